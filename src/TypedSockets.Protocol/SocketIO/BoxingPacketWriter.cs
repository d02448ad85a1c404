namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// The typed writer of a parser that has no allocation-free one: collects the arguments as objects and encodes them with
/// <see cref="SocketIOParser.EncodeEvent"/> / <see cref="SocketIOParser.EncodeAck"/>. Correct for any parser, not free.
/// </summary>
internal sealed class BoxingPacketWriter : SocketIOPacketWriter
{
    private readonly SocketIOParser _parser;
    private readonly List<object?> _args = [];
    private bool _ack;

    public BoxingPacketWriter(SocketIOParser parser)
    {
        _parser = parser;
    }

    public override void BeginEvent(string nsp, SocketEventName name)
    {
        _args.Clear();
        Namespace = nsp;
        Event = name;
        _ack = false;
    }

    public override void BeginAck(string nsp)
    {
        _args.Clear();
        Namespace = nsp;
        Event = null;
        _ack = true;
    }

    public override void WriteNull() => _args.Add(null);

    public override void WriteString(string? value) => _args.Add(value);

    public override void WriteBoolean(bool value) => _args.Add(value);

    public override void WriteInt32(int value) => _args.Add(value);

    public override void WriteInt64(long value) => _args.Add(value);

    public override void WriteDouble(double value) => _args.Add(value);

    public override void WriteBinary(ReadOnlyMemory<byte> value) => _args.Add(value.ToArray());

    public override void Write<T>(T value) => _args.Add(value);

    public override OutgoingPacket Complete(long ackId = -1)
    {
        var args = _args.ToArray();
        var packet = _ack ? _parser.EncodeAck(Namespace, ackId, args) : _parser.EncodeEvent(Namespace, Event!.Name, args, ackId);
        return new OutgoingPacket(packet);
    }

    public override void Return() => _args.Clear();
}
