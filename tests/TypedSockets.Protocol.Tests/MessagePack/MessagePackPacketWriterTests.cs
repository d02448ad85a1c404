using MessagePack;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.MessagePack;

namespace TypedSockets.Protocol.Tests.MessagePack;

/// <summary>The typed writing path of the msgpack parser: the npm bytes, from pooled buffers, without allocating.</summary>
public sealed class MessagePackPacketWriterTests
{
    private static readonly MessagePackSocketIOParser Parser = MessagePackSocketIOParser.Default;

    [Theory]
    [MemberData(nameof(MessagePackParserTests.EventAndAckCases), MemberType = typeof(MessagePackParserTests))]
    public void WritesTheBytesOfTheObjectEncoder(MessagePackParserTests.PacketCase c)
    {
        var writer = Parser.RentPacketWriter();
        try
        {
            if (c.Type == SocketIOPacketType.Event)
            {
                writer.BeginEvent(c.Namespace, new SocketEventName(c.EventName!));
            }
            else
            {
                writer.BeginAck(c.Namespace);
            }

            foreach (var arg in c.Args)
            {
                Write(writer, arg);
            }

            var packet = writer.Complete(c.AckId);
            try
            {
                Assert.True(packet.PayloadIsBinary);
                Assert.Empty(packet.Attachments);
                var expected = c.Type == SocketIOPacketType.Event
                    ? Parser.EncodeEvent(c.Namespace, c.EventName!, c.Args, c.AckId)
                    : Parser.EncodeAck(c.Namespace, c.AckId, c.Args);
                Assert.Equal(Convert.ToHexString(expected.Payload.Span), Convert.ToHexString(packet.Payload.Span));
                if (c.ServerForm)
                {
                    Assert.Equal(MessagePackWireTable.Hex[c.Name].ToUpperInvariant(), Convert.ToHexString(packet.Payload.Span));
                }
            }
            finally
            {
                packet.Release();
            }
        }
        finally
        {
            writer.Return();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(65536)]
    [InlineData(4294967296)]
    [InlineData(9007199254740991)]
    public void AckIdsTakeTheirSmallestForm(long ackId)
    {
        var writer = Parser.RentPacketWriter();
        writer.BeginAck("/");
        writer.WriteString("a");
        var packet = writer.Complete(ackId);
        Assert.Equal(Convert.ToHexString(Parser.EncodeAck("/", ackId, ["a"]).Payload.Span), Convert.ToHexString(packet.Payload.Span));
        packet.Release();
        writer.Return();
    }

    [Fact]
    public void SixteenOrMoreArgumentsUseAnArray16Header()
    {
        var writer = Parser.RentPacketWriter();
        writer.BeginEvent("/admin", new SocketEventName("many"));
        var args = new object?[20];
        for (var i = 0; i < args.Length; i++)
        {
            writer.WriteInt32(i);
            args[i] = i;
        }

        var packet = writer.Complete(3);
        Assert.Equal(Convert.ToHexString(Parser.EncodeEvent("/admin", "many", args, 3).Payload.Span), Convert.ToHexString(packet.Payload.Span));
        packet.Release();
        writer.Return();
    }

    // A class: System.Text.Json boxes a struct to read its members, so a struct argument costs one box per emit.
    [MessagePackObject]
    public sealed record Position([property: Key("x")] double X, [property: Key("y")] double Y);

    [Fact]
    public void ATypedEmitAllocatesNothingInSteadyState()
    {
        var name = new SocketEventName("move");
        var bytes = new byte[] { 1, 2, 3 };
        var date = DateTimeOffset.FromUnixTimeMilliseconds(1700000000123);
        var position = new Position(1.5, -2);

        void Emit()
        {
            var writer = Parser.RentPacketWriter();
            writer.BeginEvent("/game", name);
            writer.WriteString("player-1");
            writer.WriteInt32(42);
            writer.WriteInt64(1L << 40);
            writer.WriteDouble(1.5);
            writer.WriteBoolean(true);
            writer.WriteNull();
            writer.WriteBinary(bytes);
            writer.Write(position);
            writer.Write(date);
            var packet = writer.Complete(7);
            packet.Release();
            writer.Return();
        }

        for (var i = 0; i < 100; i++)
        {
            Emit();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Emit();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TheTypedPacketDecodesToWhatWasWritten()
    {
        var writer = Parser.RentPacketWriter();
        writer.BeginEvent("/game", new SocketEventName("move"));
        writer.Write(new Position(1.5, -2));
        writer.WriteBinary(new byte[] { 9 });
        var packet = writer.Complete();
        var decoder = Parser.CreateDecoder();
        Assert.True(decoder.TryDecode(new System.Buffers.ReadOnlySequence<byte>(packet.Payload), true, out var decoded));
        packet.Release();
        writer.Return();

        Assert.Equal("move", decoded!.EventName);
        Assert.Equal("/game", decoded.Namespace);
        Assert.Equal(new Position(1.5, -2), decoded.Data!.Get<Position>(0));
        Assert.Equal(new byte[] { 9 }, decoded.Data.Get<byte[]>(1));
    }

    [Fact]
    public void AnAbandonedPacketGivesItsBufferBack()
    {
        var writer = Parser.RentPacketWriter();
        writer.BeginEvent("/", new SocketEventName("a"));
        writer.WriteString("lost");
        writer.BeginEvent("/", new SocketEventName("b")); // the first packet is abandoned
        var packet = writer.Complete();
        Assert.Equal(Convert.ToHexString(Parser.EncodeEvent("/", "b", []).Payload.Span), Convert.ToHexString(packet.Payload.Span));
        Assert.Equal(1, packet.Buffer!.ReferenceCount);
        packet.Release();
        writer.Return();
        Assert.Throws<InvalidOperationException>(() => Parser.RentPacketWriter().Complete());
    }

    private static void Write(SocketIOPacketWriter writer, object? arg)
    {
        switch (arg)
        {
            case null: writer.WriteNull(); break;
            case string s: writer.WriteString(s); break;
            case int n: writer.WriteInt32(n); break;
            case long n: writer.WriteInt64(n); break;
            case double d: writer.WriteDouble(d); break;
            case bool b: writer.WriteBoolean(b); break;
            case byte[] bytes: writer.WriteBinary(bytes); break;
            case DateTimeOffset date: writer.Write(date); break;
            case DateTime date: writer.Write(date); break;
            case Dictionary<string, bool[]> map: writer.Write(map); break;
            default: throw new NotSupportedException(arg.GetType().ToString());
        }
    }
}
