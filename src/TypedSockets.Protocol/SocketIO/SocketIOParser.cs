using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// A Socket.IO packet format: the default JSON one (socket.io-parser) or another one wire compatible with a JS parser.
/// Encoders are stateless and thread safe; decoders are per connection.
/// </summary>
public abstract class SocketIOParser
{
    /// <summary>A short name: "json", "msgpack".</summary>
    public abstract string Name { get; }

    /// <summary>A decoder for one connection (it keeps the state of a binary packet being reassembled).</summary>
    public abstract SocketIODecoder CreateDecoder(int maxAttachments = SocketIODecoder.DefaultMaxAttachments);

    /// <summary>EVENT (or BINARY_EVENT when an argument is binary). <paramref name="ackId"/> -1 for none.</summary>
    public abstract EncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long ackId = -1);

    /// <summary>ACK (or BINARY_ACK).</summary>
    public abstract EncodedPacket EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args);

    /// <summary>The server's CONNECT reply <c>{"sid":..,"pid":..}</c> (pid omitted when null).</summary>
    public abstract EncodedPacket EncodeConnect(string nsp, string sid, string? pid);

    /// <summary>A client's CONNECT with an optional auth payload.</summary>
    public abstract EncodedPacket EncodeClientConnect(string nsp, object? auth);

    /// <summary>
    /// A client's CONNECT asking for connection state recovery: <c>{"pid":..,"offset":..,&lt;auth members&gt;}</c>.
    /// Without <paramref name="pid"/> it is the plain <see cref="EncodeClientConnect(string, object?)"/>. The base
    /// version merges an auth given as a dictionary of string keys (or public properties of another object, by name);
    /// parsers override it to merge with their own naming rules. Without reflection (Native AOT, trimming) the base version
    /// takes dictionaries only.
    /// </summary>
    public virtual EncodedPacket EncodeClientConnect(string nsp, object? auth, string? pid, string? offset)
    {
        if (pid is null)
        {
            return EncodeClientConnect(nsp, auth);
        }

        var merged = new Dictionary<string, object?>(StringComparer.Ordinal) { ["pid"] = pid, ["offset"] = offset };
        switch (auth)
        {
            case null:
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var (key, value) in pairs)
                {
                    merged.TryAdd(key, value);
                }

                break;
            case System.Collections.IDictionary dictionary:
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    if (entry.Key is string key)
                    {
                        merged.TryAdd(key, entry.Value);
                    }
                }

                break;
            default:
                if (!JsonMetadata.IsReflectionEnabled)
                {
                    throw new NotSupportedException(
                        $"The {Name} parser cannot merge an auth of type '{auth.GetType()}' with the recovery fields without reflection (Native AOT or trimming): " +
                        $"give the auth as an IDictionary<string, object?>, or override EncodeClientConnect(nsp, auth, pid, offset) in {GetType()}.");
                }

                AddPublicProperties(merged, auth);
                break;
        }

        return EncodeClientConnect(nsp, merged);
    }

#if NET
    [RequiresUnreferencedCode("Reads the public properties of an arbitrary object; the caller checks JsonMetadata.IsReflectionEnabled.")]
#endif
    private static void AddPublicProperties(Dictionary<string, object?> merged, object auth)
    {
        foreach (var property in auth.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.CanRead && property.GetIndexParameters().Length == 0)
            {
                merged.TryAdd(property.Name, property.GetValue(auth));
            }
        }
    }

    /// <summary>CONNECT_ERROR <c>{"message":..,"data":..}</c> (data omitted when null).</summary>
    public abstract EncodedPacket EncodeConnectError(string nsp, string message, object? data);

    /// <summary>DISCONNECT.</summary>
    public abstract EncodedPacket EncodeDisconnect(string nsp);

    /// <summary>
    /// A writer for the typed path: arguments are written one by one, with no <c>object[]</c> and no boxing when the
    /// parser overrides this (the JSON parser writes into pooled buffers). The default collects the arguments and
    /// calls <see cref="EncodeEvent"/>, so every parser supports typed emitters. Give it back with
    /// <see cref="SocketIOPacketWriter.Return"/>.
    /// </summary>
    public virtual SocketIOPacketWriter RentPacketWriter() => new BoxingPacketWriter(this);
}

/// <summary>Decodes the Engine.IO messages of one connection into Socket.IO packets.</summary>
public abstract class SocketIODecoder
{
    /// <summary>
    /// The default of <see cref="SocketIOParser.CreateDecoder"/>'s <c>maxAttachments</c>: how many binary attachments one
    /// packet may announce (socket.io-parser has no limit; a larger count is a protocol error that closes the connection).
    /// </summary>
    public const int DefaultMaxAttachments = 10;

    /// <summary>
    /// Feeds one Engine.IO message. Returns true with a complete packet, false when more messages are needed
    /// (binary attachments still to come).
    /// </summary>
    /// <exception cref="InvalidDataException">The message breaks the protocol; the connection must close.</exception>
    public abstract bool TryDecode(in ReadOnlySequence<byte> message, bool isBinary, out SocketIOPacket? packet);

    /// <summary>Forgets a partly reassembled packet.</summary>
    public abstract void Reset();
}
