using System.Buffers;
using System.Globalization;
using System.Text;
using MessagePack;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>
/// Decodes socket.io-msgpack-parser packets: one binary Engine.IO message holding a msgpack map
/// <c>{type, data, nsp, id?}</c>. Checks follow the npm decoder (type, then nsp, then data, then id, with its messages),
/// plus the event-name rules of the JSON parser (a non-reserved string or a number).
/// </summary>
internal sealed class MessagePackSocketIODecoder : SocketIODecoder
{

    // Largest ack id that survives a JS Number exactly.
    private const long MaxSafeInteger = 9007199254740991;

    private readonly MessagePackSocketIOParser _parser;

    public MessagePackSocketIODecoder(MessagePackSocketIOParser parser)
    {
        _parser = parser;
    }

    // Each message is a whole packet: nothing is ever pending.
    public override void Reset()
    {
    }

    public override bool TryDecode(in ReadOnlySequence<byte> message, bool isBinary, out SocketIOPacket? packet)
    {
        if (!isBinary)
        {
            throw new InvalidDataException("got text data: the msgpack parser takes binary messages only");
        }

        // The arguments keep slices of this copy (the transport reuses its buffers once we return).
        packet = Decode(message.ToArray(), _parser);
        return true;
    }

    internal static SocketIOPacket Decode(byte[] buffer, MessagePackSocketIOParser parser)
    {
        var s = buffer.AsSpan();
        var hasUndefined = false;
        var end = MessagePackScanner.Skip(s, 0, ref hasUndefined);
        if (end != s.Length)
        {
            throw new InvalidDataException($"{s.Length - end} trailing bytes");
        }

        var root = MessagePackToken.Read(s, 0);
        if (root.Kind != MessagePackTokenKind.Map)
        {
            throw new InvalidDataException("invalid packet type");
        }

        int typeAt = -1, dataAt = -1, nspAt = -1, idAt = -1;
        var pos = root.HeaderSize;
        for (long i = 0; i < root.Length; i++)
        {
            var key = MessagePackToken.Read(s, pos);
            var valueAt = pos + key.ScalarSize;
            if (key.Kind == MessagePackTokenKind.String)
            {
                var name = s.Slice(pos + key.HeaderSize, (int)key.Length);
                if (name.SequenceEqual("type"u8))
                {
                    typeAt = valueAt;
                }
                else if (name.SequenceEqual("data"u8))
                {
                    dataAt = valueAt;
                }
                else if (name.SequenceEqual("nsp"u8))
                {
                    nspAt = valueAt;
                }
                else if (name.SequenceEqual("id"u8))
                {
                    idAt = valueAt;
                }
            }
            else
            {
                valueAt = MessagePackScanner.End(s, pos);
            }

            pos = MessagePackScanner.End(s, valueAt);
        }

        // A key holding undefined counts as absent, as in JS.
        if (typeAt < 0 || !MessagePackToken.TryReadInteger(s, typeAt, out var typeValue) || typeValue is < 0 or > (long)SocketIOPacketType.ConnectError)
        {
            throw new InvalidDataException("invalid packet type");
        }

        var type = (SocketIOPacketType)typeValue;
        var nsp = nspAt >= 0 ? ReadString(s, nspAt) : null;
        if (nsp is null)
        {
            throw new InvalidDataException("invalid namespace");
        }

        MessagePackToken? data = dataAt >= 0 && !MessagePackToken.Read(s, dataAt).IsUndefined ? MessagePackToken.Read(s, dataAt) : null;
        if (!IsDataValid(type, data))
        {
            throw new InvalidDataException("invalid payload");
        }

        long ackId = -1;
        if (idAt >= 0 && !MessagePackToken.Read(s, idAt).IsUndefined)
        {
            if (!MessagePackToken.TryReadInteger(s, idAt, out ackId) || ackId is < 0 or > MaxSafeInteger)
            {
                throw new InvalidDataException("invalid packet id");
            }
        }

        switch (type)
        {
            case SocketIOPacketType.Event:
                {
                    var ranges = ReadElements(s, dataAt, data!.Value);
                    if (ranges.Length == 0)
                    {
                        throw new InvalidDataException("invalid payload");
                    }

                    var eventName = ReadEventName(s, ranges[0].Start) ?? throw new InvalidDataException("invalid payload");
                    return new SocketIOPacket(type, nsp, ackId, eventName, new MessagePackSocketIOArguments(buffer, ranges.AsMemory(1), hasUndefined, parser));
                }

            case SocketIOPacketType.Ack:
                return new SocketIOPacket(type, nsp, ackId, null, new MessagePackSocketIOArguments(buffer, ReadElements(s, dataAt, data!.Value), hasUndefined, parser));
            case SocketIOPacketType.Connect:
            case SocketIOPacketType.ConnectError:
                if (data is null)
                {
                    return new SocketIOPacket(type, nsp, ackId, null, SocketIOArguments.Empty);
                }

                var single = new MessagePackRange(dataAt, MessagePackScanner.End(s, dataAt) - dataAt);
                return new SocketIOPacket(type, nsp, ackId, null, new MessagePackSocketIOArguments(buffer, new[] { single }, hasUndefined, parser));
            default:
                return new SocketIOPacket(type, nsp, ackId, null, null);
        }
    }

    private static bool IsDataValid(SocketIOPacketType type, MessagePackToken? data) => type switch
    {
        SocketIOPacketType.Connect => data is null || data.Value.Kind == MessagePackTokenKind.Map,
        SocketIOPacketType.Disconnect => data is null,
        SocketIOPacketType.ConnectError => data is { Kind: MessagePackTokenKind.String or MessagePackTokenKind.Map },
        _ => data is { Kind: MessagePackTokenKind.Array },
    };

    private static MessagePackRange[] ReadElements(ReadOnlySpan<byte> s, int arrayAt, MessagePackToken array)
    {
        if (array.Length == 0)
        {
            return [];
        }

        var ranges = new MessagePackRange[array.Length];
        var pos = arrayAt + array.HeaderSize;
        for (var i = 0; i < ranges.Length; i++)
        {
            var end = MessagePackScanner.End(s, pos);
            ranges[i] = new MessagePackRange(pos, end - pos);
            pos = end;
        }

        return ranges;
    }

    private static string? ReadEventName(ReadOnlySpan<byte> s, int pos)
    {
        var token = MessagePackToken.Read(s, pos);
        if (token.Kind == MessagePackTokenKind.String)
        {
            var name = ReadString(s, pos)!;
            return SocketIOReservedEvents.IsReserved(name) ? null : name;
        }

        return token.Kind is MessagePackTokenKind.Integer or MessagePackTokenKind.Float && MessagePackToken.TryReadInteger(s, pos, out var number)
            ? number.ToString(CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>The string at <paramref name="pos"/>, or null when the value is not a string.</summary>
    internal static string? ReadString(ReadOnlySpan<byte> s, int pos)
    {
        var token = MessagePackToken.Read(s, pos);
        if (token.Kind != MessagePackTokenKind.String)
        {
            return null;
        }

        var bytes = s.Slice(pos + token.HeaderSize, (int)token.Length);
        return bytes.Length == 1 && bytes[0] == (byte)'/' ? "/" : Encoding.UTF8.GetString(bytes);
    }
}
