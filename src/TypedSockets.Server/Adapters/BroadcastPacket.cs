using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server.Adapters;

/// <summary>
/// An event to broadcast: name and arguments as given by the application, encoded at most once per parser and
/// ack id, and the resulting bytes shared by every recipient.
/// </summary>
public sealed class BroadcastPacket
{
    private SocketIOParser? _parser;
    private long _ackId = -1;
    private EncodedPacket? _encoded;

    /// <summary>An event to broadcast; <paramref name="args"/> is referenced, not copied, and must not change afterwards.</summary>
    /// <param name="namespace">The namespace the event is sent in.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="args">The event's arguments, serialized by the server's parser.</param>
    public BroadcastPacket(string @namespace, string eventName, object?[] args)
    {
        Namespace = @namespace;
        EventName = eventName;
        Args = args;
    }

    /// <summary>The namespace the event is sent in.</summary>
    public string Namespace { get; }

    /// <summary>The event name.</summary>
    public string EventName { get; }

    /// <summary>The event's arguments, as the application gave them (with the recovery offset last after <see cref="WithOffset"/>). Do not modify.</summary>
    public object?[] Args { get; }

    /// <summary>The recovery offset appended as the last argument, when the packet is kept for recovery.</summary>
    public string? Offset { get; private init; }

    /// <summary>A copy with <paramref name="offset"/> appended as the last argument.</summary>
    public BroadcastPacket WithOffset(string offset) => new(Namespace, EventName, [.. Args, offset]) { Offset = offset };

    /// <summary>The encoded packet for <paramref name="parser"/>, cached for the last parser/ack id asked.</summary>
    public EncodedPacket Encode(SocketIOParser parser, long ackId = -1)
    {
        var cached = Volatile.Read(ref _encoded);
        if (cached is not null && ReferenceEquals(_parser, parser) && _ackId == ackId)
        {
            return cached;
        }

        var encoded = parser.EncodeEvent(Namespace, EventName, Args, ackId);
        lock (this)
        {
            _parser = parser;
            _ackId = ackId;
            _encoded = encoded;
        }

        return encoded;
    }
}
