using System.Buffers.Binary;
using MessagePack;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>
/// The msgpack parser's typed writer: arguments are written with <see cref="MessagePackWriter"/> straight into a
/// <see cref="PooledPacketBuffer"/>, after room kept for the head of the map (<c>[id,] type, data</c> and the array
/// header), which is filled in last, right-aligned, once the argument count and ack id are known. The bytes are the
/// ones <see cref="MessagePackSocketIOParser.EncodeEvent"/> writes. Nothing is allocated per packet in steady state.
/// </summary>
internal sealed class MessagePackSocketIOPacketWriter : SocketIOPacketWriter
{
    // map header (1) + "id" key (3) + int64 (9) + "type" key (5) + type (1) + "data" key (5) + array32 header (5)
    private const int HeadReserve = 1 + 3 + 9 + 5 + 1 + 5 + 5;

    [ThreadStatic]
    private static MessagePackSocketIOPacketWriter? t_cached;

    private readonly MessagePackSocketIOParser _parser;
    private PooledPacketBuffer? _buffer;
    private int _count;
    private bool _ack;

    private MessagePackSocketIOPacketWriter(MessagePackSocketIOParser parser)
    {
        _parser = parser;
    }

    public static MessagePackSocketIOPacketWriter Rent(MessagePackSocketIOParser parser)
    {
        var cached = t_cached;
        if (cached is not null && ReferenceEquals(cached._parser, parser))
        {
            t_cached = null;
            return cached;
        }

        return new MessagePackSocketIOPacketWriter(parser);
    }

    public override void BeginEvent(string nsp, SocketEventName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Begin(nsp);
        Event = name;
        _ack = false;
        var writer = new MessagePackWriter(_buffer!);
        writer.WriteString(name.Utf8.Span);
        writer.Flush();
        _count = 1;
    }

    public override void BeginAck(string nsp)
    {
        Begin(nsp);
        Event = null;
        _ack = true;
        _count = 0;
    }

    private void Begin(string nsp)
    {
        ArgumentNullException.ThrowIfNull(nsp);
        if (_buffer is not null)
        {
            Abandon();
        }

        Namespace = nsp;
        _buffer = PooledPacketBuffer.Rent(HeadReserve);
    }

    public override void WriteNull()
    {
        var writer = Writer();
        writer.WriteNil();
        writer.Flush();
    }

    public override void WriteString(string? value)
    {
        var writer = Writer();
        writer.Write(value);
        writer.Flush();
    }

    public override void WriteBoolean(bool value)
    {
        var writer = Writer();
        writer.Write(value);
        writer.Flush();
    }

    public override void WriteInt32(int value)
    {
        var writer = Writer();
        writer.Write(value);
        writer.Flush();
    }

    public override void WriteInt64(long value)
    {
        var writer = Writer();
        writer.Write(value);
        writer.Flush();
    }

    public override void WriteDouble(double value)
    {
        var writer = Writer();
        SocketIOMessagePackResolver.WriteNumber(ref writer, value);
        writer.Flush();
    }

    public override void WriteBinary(ReadOnlyMemory<byte> value)
    {
        var writer = Writer();
        writer.Write(value.Span);
        writer.Flush();
    }

    public override void Write<T>(T value)
    {
        var writer = Writer();
        _parser.WriteValue(ref writer, value);
        writer.Flush();
    }

    public override void WriteError(string message, string? code)
    {
        ArgumentNullException.ThrowIfNull(message);
        var writer = Writer();
        writer.WriteMapHeader(1);
        writer.Write("error");
        writer.WriteMapHeader(code is null ? 1 : 2);
        writer.Write("message");
        writer.Write(message);
        if (code is not null)
        {
            writer.Write("code");
            writer.Write(code);
        }

        writer.Flush();
    }

    private MessagePackWriter Writer()
    {
        var buffer = _buffer ?? throw new InvalidOperationException("No packet was begun.");
        _count++;
        return new MessagePackWriter(buffer);
    }

    public override OutgoingPacket Complete(long ackId = -1)
    {
        var buffer = _buffer ?? throw new InvalidOperationException("No packet was begun.");
        if (_ack)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(ackId);
        }

        // Tail: [id,] nsp for events; nsp for acks (their id leads the map).
        var tail = new MessagePackWriter(buffer);
        if (!_ack && ackId >= 0)
        {
            MessagePackSocketIOParser.WriteId(ref tail, ackId);
        }

        MessagePackSocketIOParser.WriteNamespace(ref tail, Namespace);
        tail.Flush();

        // Head, written backwards so that it ends where the first element of the data array starts.
        var head = buffer.GetWrittenSpan(0, HeadReserve);
        var pos = HeadReserve;
        pos = PrependArrayHeader(head, pos, _count);
        pos = Prepend(head, pos, [0xa4, (byte)'d', (byte)'a', (byte)'t', (byte)'a']);
        head[--pos] = (byte)(_ack ? SocketIOPacketType.Ack : SocketIOPacketType.Event);
        pos = Prepend(head, pos, [0xa4, (byte)'t', (byte)'y', (byte)'p', (byte)'e']);
        if (_ack)
        {
            pos = PrependInteger(head, pos, ackId);
            pos = Prepend(head, pos, [0xa2, (byte)'i', (byte)'d']);
        }

        head[--pos] = (byte)(0x80 | (ackId >= 0 ? 4 : 3));
        buffer.SetStart(pos);
        _buffer = null;
        return new OutgoingPacket(buffer.Payload, payloadIsBinary: true, null, buffer);
    }

    private static int Prepend(Span<byte> head, int pos, ReadOnlySpan<byte> bytes)
    {
        pos -= bytes.Length;
        bytes.CopyTo(head[pos..]);
        return pos;
    }

    private static int PrependArrayHeader(Span<byte> head, int pos, int count)
    {
        if (count < 16)
        {
            head[--pos] = (byte)(0x90 | count);
        }
        else if (count <= ushort.MaxValue)
        {
            pos -= 3;
            head[pos] = 0xdc;
            BinaryPrimitives.WriteUInt16BigEndian(head[(pos + 1)..], (ushort)count);
        }
        else
        {
            pos -= 5;
            head[pos] = 0xdd;
            BinaryPrimitives.WriteUInt32BigEndian(head[(pos + 1)..], (uint)count);
        }

        return pos;
    }

    // The smallest msgpack form of a non-negative integer, as notepack.io and MessagePackWriter write it.
    private static int PrependInteger(Span<byte> head, int pos, long value)
    {
        switch (value)
        {
            case < 0x80:
                head[--pos] = (byte)value;
                break;
            case <= byte.MaxValue:
                pos -= 2;
                head[pos] = 0xcc;
                head[pos + 1] = (byte)value;
                break;
            case <= ushort.MaxValue:
                pos -= 3;
                head[pos] = 0xcd;
                BinaryPrimitives.WriteUInt16BigEndian(head[(pos + 1)..], (ushort)value);
                break;
            case <= uint.MaxValue:
                pos -= 5;
                head[pos] = 0xce;
                BinaryPrimitives.WriteUInt32BigEndian(head[(pos + 1)..], (uint)value);
                break;
            default:
                pos -= 9;
                head[pos] = 0xcf;
                BinaryPrimitives.WriteUInt64BigEndian(head[(pos + 1)..], (ulong)value);
                break;
        }

        return pos;
    }

    public override void Return()
    {
        if (_buffer is not null)
        {
            Abandon();
        }

        Event = null;
        t_cached = this;
    }

    private void Abandon()
    {
        _buffer?.Release();
        _buffer = null;
    }
}
