using System.Buffers;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Protocol.Tests.EngineIO;

/// <summary>
/// Text in a long-polling payload must be UTF-8, as in a WebSocket text frame (which the WebSocket layer validates): a
/// hostile client could otherwise pass bytes the Socket.IO layer cannot read, or that peers' browsers refuse.
/// </summary>
public class EngineTextValidityTests
{
    public static TheoryData<byte[]> InvalidUtf8 => new()
    {
        { [0xFF] },
        { [0xC3] },                   // truncated two-byte sequence
        { [0xED, 0xA0, 0x80] },       // an encoded surrogate (CESU), not UTF-8
        { [0xC0, 0xAF] },             // overlong '/'
        { [0xF4, 0x90, 0x80, 0x80] }, // beyond U+10FFFF
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void AMessageWithInvalidUtf8InAPollingPayloadIsMalformed(byte[] invalid)
    {
        // 40 then 42["<invalid>"]: the first packet is read, the second is refused.
        byte[] payload = [(byte)'4', (byte)'0', EnginePacketWriter.RecordSeparator, (byte)'4', (byte)'2', (byte)'[', (byte)'"', .. invalid, (byte)'"', (byte)']'];
        foreach (var input in new[] { new ReadOnlySequence<byte>(payload), SegmentedSequence.Create(payload) })
        {
            var e = Assert.Throws<InvalidDataException>(() =>
            {
                var reader = new EnginePacketReader(input, EnginePacketFraming.Payload);
                try
                {
                    Assert.True(reader.TryRead(out var first));
                    Assert.Equal(EnginePacketType.Message, first.Type);
                    reader.TryRead(out _);
                }
                finally
                {
                    reader.Dispose();
                }
            });
            Assert.Equal("Invalid Engine.IO packet: text is not valid UTF-8.", e.Message);
        }
    }

    [Fact]
    public void ValidMultiByteTextIsRead()
    {
        var payload = "42[\"é€😀\"]"u8.ToArray();
        var reader = new EnginePacketReader(SegmentedSequence.Create(payload), EnginePacketFraming.Payload);
        try
        {
            Assert.True(reader.TryRead(out var packet));
            Assert.Equal("2[\"é€😀\"]"u8.ToArray(), packet.Data.ToArray());
        }
        finally
        {
            reader.Dispose();
        }
    }
}
