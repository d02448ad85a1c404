using System.Buffers;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Protocol.Tests.EngineIO;

public class EnginePacketCodecTests
{
    public static TheoryData<string> PacketNames => EngineIOTestData.Names(EngineIOTestData.Packets);

    public static TheoryData<string> PayloadNames => EngineIOTestData.Names(EngineIOTestData.Payloads);

    public static TheoryData<string> InvalidNames => EngineIOTestData.Names(EngineIOTestData.Invalid);

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void WritesPacketAsItsExactWireBytes(string name)
    {
        var (packet, wire) = EngineIOTestData.Packets[name];
        var output = new ArrayBufferWriter<byte>();

        EnginePacketWriter.WriteText(packet, output);

        Assert.Equal(wire, output.WrittenSpan.ToArray());
        Assert.Equal(wire.Length, EnginePacketWriter.GetTextLength(packet));
    }

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void ParsesPacketFromItsWireBytes(string name)
    {
        var (packet, wire) = EngineIOTestData.Packets[name];
        AssertParsesSingle(packet, new ReadOnlySequence<byte>(wire));
    }

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void ParsesPacketFromOneByteSegments(string name)
    {
        var (packet, wire) = EngineIOTestData.Packets[name];
        AssertParsesSingle(packet, SegmentedSequence.Create(wire));
    }

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void WritesPacketWhoseDataSpansSeveralSegments(string name)
    {
        var (packet, wire) = EngineIOTestData.Packets[name];
        var segmented = new EnginePacket(packet.Type, SegmentedSequence.Create(packet.Data.ToArray(), segmentSize: 2), packet.IsBinary);
        var output = new ArrayBufferWriter<byte>();

        EnginePacketWriter.WriteText(segmented, output);

        Assert.Equal(wire, output.WrittenSpan.ToArray());
    }

    [Theory]
    [MemberData(nameof(PayloadNames))]
    public void WritesPayloadAsItsExactWireBytes(string name)
    {
        var (packets, wire) = EngineIOTestData.Payloads[name];
        var output = new ArrayBufferWriter<byte>();

        EnginePacketWriter.WritePayload(packets, output);

        Assert.Equal(wire, output.WrittenSpan.ToArray());
        Assert.Equal(wire.Length, EnginePacketWriter.GetPayloadLength(packets));
    }

    [Theory]
    [MemberData(nameof(PayloadNames))]
    public void ParsesPayloadFromItsWireBytes(string name)
    {
        var (packets, wire) = EngineIOTestData.Payloads[name];
        AssertParsesPayload(packets, new ReadOnlySequence<byte>(wire));
    }

    [Theory]
    [MemberData(nameof(PayloadNames))]
    public void ParsesPayloadFromOneByteSegments(string name)
    {
        var (packets, wire) = EngineIOTestData.Payloads[name];
        AssertParsesPayload(packets, SegmentedSequence.Create(wire));
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void RejectsMalformedInputWithAnExactError(string name)
    {
        var (input, framing, error) = EngineIOTestData.Invalid[name];
        Assert.Equal(error, ReadAllAndCatch(new ReadOnlySequence<byte>(input), framing));
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void RejectsMalformedInputInOneByteSegmentsWithTheSameError(string name)
    {
        var (input, framing, error) = EngineIOTestData.Invalid[name];
        Assert.Equal(error, ReadAllAndCatch(SegmentedSequence.Create(input), framing));
    }

    [Fact]
    public void PayloadReaderHandsOutThePacketsBeforeAMalformedOne()
    {
        var reader = new EnginePacketReader(new ReadOnlySequence<byte>(EngineIOTestData.Utf8("4a\u001e3\u001e9")), EnginePacketFraming.Payload);
        try
        {
            Assert.True(reader.TryRead(out var first));
            Assert.Equal(EnginePacketType.Message, first.Type);
            Assert.True(reader.TryRead(out var second));
            Assert.Equal(EnginePacketType.Pong, second.Type);
            InvalidDataException? error = null;
            try
            {
                reader.TryRead(out _);
            }
            catch (InvalidDataException ex)
            {
                error = ex;
            }

            Assert.Equal("Invalid Engine.IO packet type 0x39.", error?.Message);
        }
        finally
        {
            reader.Dispose();
        }
    }

    [Fact]
    public void SinglePacketFramingKeepsRecordSeparatorsInsideTheData()
    {
        var reader = new EnginePacketReader(new ReadOnlySequence<byte>(EngineIOTestData.Utf8("4a\u001eb")), EnginePacketFraming.SinglePacket);
        try
        {
            Assert.True(reader.TryRead(out var packet));
            Assert.Equal(EngineIOTestData.Utf8("a\u001eb"), packet.Data.ToArray());
            Assert.False(reader.TryRead(out _));
        }
        finally
        {
            reader.Dispose();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4097)]
    [InlineData(100_000)]
    public void WritesBase64InSmallChunksExactlyAsOneBlock(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var output = new SmallSpanBufferWriter(spanSize: 7);

        EnginePacketWriter.WriteText(EnginePacket.BinaryMessage(bytes), output);

        Assert.Equal("b" + Convert.ToBase64String(bytes), System.Text.Encoding.ASCII.GetString(output.Written));
    }

    [Fact]
    public void LargeBinaryMessageRoundTripsThroughAPayload()
    {
        var bytes = new byte[70_000];
        new Random(7).NextBytes(bytes);
        EnginePacket[] packets = [EnginePacket.TextMessage(EngineIOTestData.Utf8("first")), EnginePacket.BinaryMessage(bytes), EnginePacket.BinaryMessage(new byte[] { 9 })];
        var output = new ArrayBufferWriter<byte>();
        EnginePacketWriter.WritePayload(packets, output);

        var reader = new EnginePacketReader(SegmentedSequence.Create(output.WrittenSpan, segmentSize: 4096), EnginePacketFraming.Payload);
        try
        {
            for (var i = 0; i < packets.Length; i++)
            {
                Assert.True(reader.TryRead(out var packet));
                EngineIOTestData.AssertEqual(packets[i], packet);
            }

            Assert.False(reader.TryRead(out _));
        }
        finally
        {
            reader.Dispose();
        }
    }

    private static void AssertParsesSingle(EnginePacket expected, ReadOnlySequence<byte> input)
    {
        var reader = new EnginePacketReader(input, EnginePacketFraming.SinglePacket);
        try
        {
            Assert.True(reader.TryRead(out var actual));
            EngineIOTestData.AssertEqual(expected, actual);
            Assert.False(reader.TryRead(out _));
        }
        finally
        {
            reader.Dispose();
        }
    }

    private static void AssertParsesPayload(EnginePacket[] expected, ReadOnlySequence<byte> input)
    {
        var reader = new EnginePacketReader(input, EnginePacketFraming.Payload);
        try
        {
            foreach (var packet in expected)
            {
                Assert.True(reader.TryRead(out var actual));
                EngineIOTestData.AssertEqual(packet, actual);
            }

            Assert.False(reader.TryRead(out _));
        }
        finally
        {
            reader.Dispose();
        }
    }

    private static string? ReadAllAndCatch(ReadOnlySequence<byte> input, EnginePacketFraming framing)
    {
        var reader = new EnginePacketReader(input, framing);
        try
        {
            while (reader.TryRead(out _))
            {
            }

            return null;
        }
        catch (InvalidDataException ex)
        {
            return ex.Message;
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>A buffer writer that never hands out more than a few bytes at a time.</summary>
    private sealed class SmallSpanBufferWriter(int spanSize) : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = [];

        public byte[] Written => [.. _written];

        public void Advance(int count) => _written.AddRange(_current.AsSpan(0, count));

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, spanSize)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
