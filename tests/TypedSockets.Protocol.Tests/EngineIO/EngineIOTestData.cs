using System.Buffers;
using System.Text;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Protocol.Tests.EngineIO;

/// <summary>The named tables that drive the codec theories: packet and payload wire forms, and malformed input.</summary>
internal static class EngineIOTestData
{
    /// <summary>One packet and its exact text form (a WebSocket text frame, or one element of a polling payload).</summary>
    public static readonly IReadOnlyDictionary<string, (EnginePacket Packet, byte[] Wire)> Packets =
        new Dictionary<string, (EnginePacket, byte[])>
        {
            ["open with handshake data"] = (Text(EnginePacketType.Open, "{\"sid\":\"abc\"}"), Utf8("0{\"sid\":\"abc\"}")),
            ["close"] = (Text(EnginePacketType.Close, ""), Utf8("1")),
            ["ping"] = (Text(EnginePacketType.Ping, ""), Utf8("2")),
            ["ping probe"] = (Text(EnginePacketType.Ping, "probe"), Utf8("2probe")),
            ["pong"] = (Text(EnginePacketType.Pong, ""), Utf8("3")),
            ["pong probe"] = (Text(EnginePacketType.Pong, "probe"), Utf8("3probe")),
            ["text message"] = (Text(EnginePacketType.Message, "hello"), Utf8("4hello")),
            ["empty text message"] = (Text(EnginePacketType.Message, ""), Utf8("4")),
            ["text message with multi-byte UTF-8"] = (Text(EnginePacketType.Message, "héllo €"), Utf8("4héllo €")),
            ["text message starting with a digit"] = (Text(EnginePacketType.Message, "2[\"foo\"]"), Utf8("42[\"foo\"]")),
            ["upgrade"] = (Text(EnginePacketType.Upgrade, ""), Utf8("5")),
            ["noop"] = (Text(EnginePacketType.Noop, ""), Utf8("6")),
            ["binary message"] = (EnginePacket.BinaryMessage(new byte[] { 1, 2, 3, 4 }), Utf8("bAQIDBA==")),
            ["binary message of one byte"] = (EnginePacket.BinaryMessage(new byte[] { 0xff }), Utf8("b/w==")),
            ["binary message of three bytes"] = (EnginePacket.BinaryMessage(new byte[] { 0, 0x10, 0x83 }), Utf8("bABCD")),
            ["empty binary message"] = (EnginePacket.BinaryMessage(Array.Empty<byte>()), Utf8("b")),
        };

    /// <summary>Several packets and their exact polling payload (joined by the record separator).</summary>
    public static readonly IReadOnlyDictionary<string, (EnginePacket[] Packets, byte[] Wire)> Payloads =
        new Dictionary<string, (EnginePacket[], byte[])>
        {
            ["one text packet"] = ([Text(EnginePacketType.Message, "hello")], Utf8("4hello")),
            ["several text packets"] = (
                [Text(EnginePacketType.Message, "test1"), Text(EnginePacketType.Message, "test2"), Text(EnginePacketType.Message, "test3")],
                Utf8("4test1\u001e4test2\u001e4test3")),
            ["text and binary packets"] = (
                [Text(EnginePacketType.Message, "hello"), EnginePacket.BinaryMessage(new byte[] { 1, 2, 3, 4 })],
                Utf8("4hello\u001ebAQIDBA==")),
            ["control packets"] = (
                [Text(EnginePacketType.Ping, ""), Text(EnginePacketType.Message, "x"), Text(EnginePacketType.Close, "")],
                Utf8("2\u001e4x\u001e1")),
            ["noop alone"] = ([Text(EnginePacketType.Noop, "")], Utf8("6")),
            ["empty messages"] = (
                [Text(EnginePacketType.Message, ""), EnginePacket.BinaryMessage(Array.Empty<byte>()), Text(EnginePacketType.Message, "")],
                Utf8("4\u001eb\u001e4")),
        };

    /// <summary>Malformed input and the exact error it raises.</summary>
    public static readonly IReadOnlyDictionary<string, (byte[] Input, EnginePacketFraming Framing, string Error)> Invalid =
        new Dictionary<string, (byte[], EnginePacketFraming, string)>
        {
            ["empty frame"] = ([], EnginePacketFraming.SinglePacket, "Invalid Engine.IO packet: empty packet."),
            ["empty payload"] = ([], EnginePacketFraming.Payload, "Invalid Engine.IO packet: empty packet."),
            ["unknown letter type"] = (Utf8("abc"), EnginePacketFraming.SinglePacket, "Invalid Engine.IO packet type 0x61."),
            ["type digit 7"] = (Utf8("7"), EnginePacketFraming.SinglePacket, "Invalid Engine.IO packet type 0x37."),
            ["type below zero"] = (Utf8("/x"), EnginePacketFraming.SinglePacket, "Invalid Engine.IO packet type 0x2F."),
            ["record separator in a frame is not a type"] = (Utf8("\u001e4a"), EnginePacketFraming.SinglePacket, "Invalid Engine.IO packet type 0x1E."),
            ["leading separator"] = (Utf8("\u001e4a"), EnginePacketFraming.Payload, "Invalid Engine.IO packet: empty packet."),
            ["trailing separator"] = (Utf8("4a\u001e"), EnginePacketFraming.Payload, "Invalid Engine.IO packet: empty packet."),
            ["two separators in a row"] = (Utf8("4a\u001e\u001e4b"), EnginePacketFraming.Payload, "Invalid Engine.IO packet: empty packet."),
            ["bad type after a good packet"] = (Utf8("4a\u001exyz"), EnginePacketFraming.Payload, "Invalid Engine.IO packet type 0x78."),
            ["base64 with invalid characters"] = (Utf8("b!!!!"), EnginePacketFraming.SinglePacket, "Invalid Engine.IO packet: malformed base64 binary data."),
            ["base64 without padding"] = (Utf8("bAQIDBA"), EnginePacketFraming.Payload, "Invalid Engine.IO packet: malformed base64 binary data."),
            ["non-ASCII type byte"] = ([0xc3, 0xa9], EnginePacketFraming.SinglePacket, "Invalid Engine.IO packet type 0xC3."),
        };

    public static TheoryData<string> Names<T>(IReadOnlyDictionary<string, T> table)
    {
        var data = new TheoryData<string>();
        foreach (var name in table.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static EnginePacket Text(EnginePacketType type, string data) => new(type, Utf8(data));

    public static void AssertEqual(EnginePacket expected, EnginePacket actual)
    {
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.IsBinary, actual.IsBinary);
        Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
    }
}
