using System.Buffers;
using System.Text;
using System.Text.Json;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Protocol.Tests.SocketIO;

/// <summary>
/// One named table of packets and their exact wire form drives both the encoder and the decoder theories;
/// every decode also runs on the input split into 1-byte segments.
/// </summary>
public sealed class JsonParserTests
{
    private static readonly JsonSocketIOParser Parser = JsonSocketIOParser.Default;

    /// <summary>A packet as the tests describe it: what to encode and what decoding must give back.</summary>
    public sealed record PacketCase(
        string Name,
        SocketIOPacketType Type,
        string Namespace,
        long AckId,
        string? EventName,
        string? ArgumentsJson,
        byte[][] Attachments,
        string Wire)
    {
        public override string ToString() => Name;
    }

    private static PacketCase Case(string name, SocketIOPacketType type, string nsp, long ackId, string? eventName, string? argsJson, string wire, params byte[][] attachments) =>
        new(name, type, nsp, ackId, eventName, argsJson, attachments, wire);

    // Events and acks: ArgumentsJson is the JSON array of the arguments (event name excluded).
    public static readonly TheoryData<PacketCase> EventAndAckCases = new()
    {
        Case("event in the main namespace", SocketIOPacketType.Event, "/", -1, "foo", "[]", "2[\"foo\"]"),
        Case("event in a custom namespace", SocketIOPacketType.Event, "/admin", -1, "bar", "[]", "2/admin,[\"bar\"]"),
        Case("event with an ack id", SocketIOPacketType.Event, "/", 12, "foo", "[]", "212[\"foo\"]"),
        Case("event with arguments", SocketIOPacketType.Event, "/", -1, "message", "[1,\"2\",{\"3\":[true]}]", "2[\"message\",1,\"2\",{\"3\":[true]}]"),
        Case("event with namespace, ack id and arguments", SocketIOPacketType.Event, "/admin", 13, "bar", "[null,false]", "2/admin,13[\"bar\",null,false]"),
        Case("ack with namespace and id", SocketIOPacketType.Ack, "/admin", 13, null, "[\"bar\"]", "3/admin,13[\"bar\"]"),
        Case("ack without arguments", SocketIOPacketType.Ack, "/", 0, null, "[]", "30[]"),
        Case("binary event", SocketIOPacketType.Event, "/", -1, "baz", "[{\"_placeholder\":true,\"num\":0}]", "51-[\"baz\",{\"_placeholder\":true,\"num\":0}]", [1, 2, 3]),
        Case("binary event in a namespace", SocketIOPacketType.Event, "/admin", -1, "baz", "[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", "52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", [1], [2, 3]),
        Case("binary ack", SocketIOPacketType.Ack, "/", 15, null, "[{\"_placeholder\":true,\"num\":0}]", "61-15[{\"_placeholder\":true,\"num\":0}]", [4, 5, 6]),
        Case("binary event with namespace and ack id", SocketIOPacketType.Event, "/admin", 7, "x", "[{\"_placeholder\":true,\"num\":0}]", "51-/admin,7[\"x\",{\"_placeholder\":true,\"num\":0}]", Array.Empty<byte>()),
    };

    [Theory]
    [MemberData(nameof(EventAndAckCases))]
    public void EncodesEventsAndAcksToTheExactWireForm(PacketCase c)
    {
        // Re-emit what decoding gives: raw arguments (placeholders become byte[] attachments again).
        var args = DecodeArguments(c);
        var encoded = c.Type == SocketIOPacketType.Event
            ? Parser.EncodeEvent(c.Namespace, c.EventName!, args, c.AckId)
            : Parser.EncodeAck(c.Namespace, c.AckId, args);

        Assert.False(encoded.PayloadIsBinary);
        Assert.Equal(c.Wire, Encoding.UTF8.GetString(encoded.Payload.Span));
        Assert.Equal(c.Attachments.Length, encoded.Attachments.Length);
        for (var i = 0; i < c.Attachments.Length; i++)
        {
            Assert.Equal(c.Attachments[i], encoded.Attachments[i].ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(EventAndAckCases))]
    public void DecodesEventsAndAcks(PacketCase c)
    {
        foreach (var segmentSize in new[] { int.MaxValue, 1 })
        {
            var packet = Decode(c.Wire, c.Attachments, segmentSize);
            Assert.Equal(c.Type, packet.Type);
            Assert.Equal(c.Namespace, packet.Namespace);
            Assert.Equal(c.AckId, packet.AckId);
            Assert.Equal(c.EventName, packet.EventName);
            var args = Assert.IsType<JsonSocketIOArguments>(packet.Data);
            Assert.Equal(c.ArgumentsJson, ArgumentsToJson(args));
            Assert.Equal(c.Attachments.Length, args.Attachments.Count);
        }
    }

    public static readonly TheoryData<string, string, string?, string> ControlCases = new()
    {
        // name, wire, namespace, auth/error JSON (null when none)
        { "connect to the main namespace", "0", null, "/" },
        { "connect with auth", "0{\"token\":\"123\"}", "{\"token\":\"123\"}", "/" },
        { "connect to a custom namespace", "0/admin,", null, "/admin" },
        { "connect to a custom namespace with auth", "0/admin,{\"token\":\"abc\"}", "{\"token\":\"abc\"}", "/admin" },
        { "connect to a custom namespace without comma", "0/custom", null, "/custom" },
        { "connect error with a string", "4\"nope\"", "\"nope\"", "/" },
        { "connect error in a namespace", "4/random,{\"message\":\"Invalid namespace\"}", "{\"message\":\"Invalid namespace\"}", "/random" },
    };

    [Theory]
    [MemberData(nameof(ControlCases))]
    public void DecodesConnectAndConnectError(string name, string wire, string? payloadJson, string nsp)
    {
        Assert.NotNull(name);
        foreach (var segmentSize in new[] { int.MaxValue, 1 })
        {
            var packet = Decode(wire, [], segmentSize);
            Assert.Equal(nsp, packet.Namespace);
            Assert.Equal(-1, packet.AckId);
            var data = packet.Data!;
            if (payloadJson is null)
            {
                Assert.Equal(0, data.Count);
            }
            else
            {
                Assert.Equal(1, data.Count);
                Assert.Equal(payloadJson, data.Get<JsonElement>(0).GetRawText());
            }
        }
    }

    [Theory]
    [InlineData("1", "/")]
    [InlineData("1/admin,", "/admin")]
    [InlineData("1/admin", "/admin")]
    public void DecodesDisconnect(string wire, string nsp)
    {
        var packet = Decode(wire, [], 1);
        Assert.Equal(SocketIOPacketType.Disconnect, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Null(packet.Data);
    }

    [Fact]
    public void EncodesTheServerConnectReply()
    {
        Assert.Equal("0{\"sid\":\"abc\"}", Parser.EncodeConnect("/", "abc", null).ToString());
        Assert.Equal("0/admin,{\"sid\":\"abc\",\"pid\":\"p1\"}", Parser.EncodeConnect("/admin", "abc", "p1").ToString());
    }

    [Fact]
    public void EncodesConnectErrorsWithAndWithoutData()
    {
        Assert.Equal("4/random,{\"message\":\"Invalid namespace\"}", Parser.EncodeConnectError("/random", "Invalid namespace", null).ToString());
        Assert.Equal("4{\"message\":\"not authorized\",\"data\":{\"code\":42}}", Parser.EncodeConnectError("/", "not authorized", new { code = 42 }).ToString());
    }

    [Fact]
    public void EncodesDisconnectAndClientConnect()
    {
        Assert.Equal("1", Parser.EncodeDisconnect("/").ToString());
        Assert.Equal("1/admin,", Parser.EncodeDisconnect("/admin").ToString());
        Assert.Equal("0", Parser.EncodeClientConnect("/", null).ToString());
        Assert.Equal("0/admin,{\"token\":\"x\"}", Parser.EncodeClientConnect("/admin", new { token = "x" }).ToString());
    }

    [Fact]
    public void ReadsANumericEventNameAsText()
    {
        var packet = Decode("2[1,\"a\"]", [], int.MaxValue);
        Assert.Equal("1", packet.EventName);
        Assert.Equal("a", packet.Data!.Get<string>(0));
    }

    public sealed record FileMessage(string Name, byte[] Content, Meta Meta);

    public sealed record Meta(int Size, byte[]? Thumbnail);

    [Fact]
    public void BinaryNestedInObjectsTravelsAsAttachmentsBothWays()
    {
        var message = new FileMessage("a.bin", [1, 2, 3], new Meta(3, [9]));
        var encoded = Parser.EncodeEvent("/", "upload", [message]);
        Assert.Equal(
            "52-[\"upload\",{\"name\":\"a.bin\",\"content\":{\"_placeholder\":true,\"num\":0},\"meta\":{\"size\":3,\"thumbnail\":{\"_placeholder\":true,\"num\":1}}}]",
            encoded.ToString());

        var packet = Decode(encoded.ToString(), [.. encoded.Attachments.Select(a => a.ToArray())], 1);
        var read = packet.Data!.Get<FileMessage>(0)!;
        Assert.Equal("a.bin", read.Name);
        Assert.Equal(new byte[] { 1, 2, 3 }, read.Content);
        Assert.Equal(new byte[] { 9 }, read.Meta.Thumbnail);
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("a\\udc00b")]
    [InlineData("\\ude00\\ud83d")]
    public void LoneSurrogateEscapesAreReEmittedAsReceived(string escaped)
    {
        // What JS JSON.stringify writes for a string holding a lone surrogate; Node re-emits it as is.
        var packet = Decode($"2[\"message\",\"{escaped}\",{{\"k\":[\"{escaped}\"]}}]", [], int.MaxValue);

        var encoded = Parser.EncodeEvent("/", "back", packet.Data!.ToRawArray());

        Assert.Equal($"2[\"back\",\"{escaped}\",{{\"k\":[\"{escaped}\"]}}]", encoded.ToString());
    }

    [Fact]
    public void TopLevelBinaryArgumentsAreByteArraysWhenReadRaw()
    {
        var packet = Decode("52-[\"m\",{\"_placeholder\":true,\"num\":1},\"x\",{\"_placeholder\":true,\"num\":0}]", [[1], [2]], int.MaxValue);
        var raw = packet.Data!.ToRawArray();
        Assert.Equal(new byte[] { 2 }, raw[0]);
        Assert.Equal("x", ((JsonElement)raw[1]!).GetString());
        Assert.Equal(new byte[] { 1 }, raw[2]);
        Assert.Equal(new byte[] { 2 }, packet.Data.Get<byte[]>(0));
        Assert.Equal(new byte[] { 1 }, packet.Data.Get<ReadOnlyMemory<byte>>(2).ToArray());
    }

    [Fact]
    public void NestedBinaryIsReEmittedWithPlaceholdersRenumberedDepthFirst()
    {
        var packet = Decode("52-[\"m\",{\"a\":{\"_placeholder\":true,\"num\":1},\"b\":[{\"_placeholder\":true,\"num\":0}]},\"text\"]", [[0xA0], [0xA1]], 1);
        var encoded = Parser.EncodeEvent("/", "m-back", packet.Data!.ToRawArray());
        Assert.Equal("52-[\"m-back\",{\"a\":{\"_placeholder\":true,\"num\":0},\"b\":[{\"_placeholder\":true,\"num\":1}]},\"text\"]", encoded.ToString());
        Assert.Equal([[0xA1], [0xA0]], encoded.Attachments.Select(a => a.ToArray()));
    }

    [Fact]
    public void ReadingABinaryArgumentAsAnObjectIsABindingError()
    {
        var packet = Decode("51-[\"m\",{\"_placeholder\":true,\"num\":0}]", [[1, 2]], int.MaxValue);
        var error = Assert.Throws<SocketIOBindingException>(() => packet.Data!.Get<FileMessage>(0));
        Assert.Equal($"Argument 0 is binary data and cannot be read as {typeof(FileMessage)}.", error.Message);
        Assert.Equal(new byte[] { 1, 2 }, packet.Data!.Get<byte[]>(0));
        Assert.Equal(new byte[] { 1, 2 }, packet.Data!.Get<ArraySegment<byte>?>(0)!.Value.ToArray());
    }

    [Fact]
    public void ReadingAnArgumentAsTheWrongTypeIsABindingError()
    {
        var packet = Decode("2[\"m\",\"text\"]", [], int.MaxValue);
        var error = Assert.Throws<SocketIOBindingException>(() => packet.Data!.Get<int>(0));
        Assert.StartsWith("Argument 0 cannot be read as System.Int32", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.Data!.Get<int>(1));
    }

    [Fact]
    public void NonAsciiTextIsWrittenUnescapedAsJavaScriptDoes()
    {
        Assert.Equal("2[\"msg\",\"héllo <b> ü\"]", Parser.EncodeEvent("/", "msg", ["héllo <b> ü"]).ToString());
    }

    [Fact]
    public void CharactersOutsideTheBasicPlaneRoundTrip()
    {
        // System.Text.Json escapes surrogate pairs (\uD83D\uDE00); JSON readers decode both forms to the same string.
        var encoded = Parser.EncodeEvent("/", "msg", ["smile 😀"]).ToString();
        Assert.Equal("smile 😀", Decode(encoded, [], 1).Data!.Get<string>(0));
    }

    public static readonly TheoryData<string, string> InvalidTextCases = new()
    {
        { "", "unknown packet type" },
        { "7", "unknown packet type" },
        { "abc", "unknown packet type" },
        { "2{}", "invalid payload" },
        { "2abc[\"message-with-ack\",1]", "invalid payload" },
        { "2", "invalid payload" },
        { "2[]", "invalid payload" },
        { "2[{}]", "invalid payload" },
        { "2[\"connect\"]", "invalid payload" },
        { "2[\"disconnecting\"]", "invalid payload" },
        { "2[\"newListener\"]", "invalid payload" },
        { "2[\"a\"", "invalid payload" },
        { "2[\"a\"]x", "invalid payload" },
        { "0[]", "invalid payload" },
        { "0\"str\"", "invalid payload" },
        { "1{}", "invalid payload" },
        { "3{}", "invalid payload" },
        { "4[]", "invalid payload" },
        { "4", "invalid payload" },
        { "5[\"a\"]", "Illegal attachments" },
        { "61-", "invalid payload" },
        { "51-/admin,", "invalid payload" },
        { "5x-[\"a\"]", "Illegal attachments" },
        { "511-[\"a\"]", "too many attachments" },
        { "599999999999-[\"a\"]", "too many attachments" },
        { "29999999999999999[\"a\"]", "invalid ack id" },
    };

    [Theory]
    [MemberData(nameof(InvalidTextCases))]
    public void RejectsInvalidPacketsWithTheReferenceError(string wire, string error)
    {
        foreach (var segmentSize in new[] { int.MaxValue, 1 })
        {
            var decoder = Parser.CreateDecoder();
            var e = Assert.Throws<InvalidDataException>(() => decoder.TryDecode(Segments.Split(Encoding.UTF8.GetBytes(wire), segmentSize), false, out _));
            Assert.Equal(error, e.Message);
        }
    }

    [Theory]
    [InlineData("2[\"", "\"]")]
    [InlineData("2/admin,7[\"", "\",1]")]
    [InlineData("51-[\"", "\",{\"_placeholder\":true,\"num\":0}]")]
    public void AnEventNameThatIsNotUtf8IsAnInvalidPayload(string before, string after)
    {
        // Only reachable when the transport passed invalid UTF-8 on (the Engine.IO reader refuses it in polling payloads).
        byte[] wire = [.. Encoding.UTF8.GetBytes(before), 0xFF, .. Encoding.UTF8.GetBytes(after)];
        foreach (var segmentSize in new[] { int.MaxValue, 1 })
        {
            var decoder = Parser.CreateDecoder();
            var e = Assert.Throws<InvalidDataException>(() => decoder.TryDecode(Segments.Split(wire, segmentSize), false, out _));
            Assert.Equal("invalid payload", e.Message);
        }
    }

    [Fact]
    public void RejectsBinaryDataOutsideABinaryPacket()
    {
        var decoder = Parser.CreateDecoder();
        var e = Assert.Throws<InvalidDataException>(() => decoder.TryDecode(new ReadOnlySequence<byte>([1, 2]), true, out _));
        Assert.Equal("got binary data when not reconstructing a packet", e.Message);
    }

    [Fact]
    public void RejectsTextWhileAttachmentsAreExpected()
    {
        var decoder = Parser.CreateDecoder();
        Assert.False(decoder.TryDecode(Text("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"), false, out _));
        var e = Assert.Throws<InvalidDataException>(() => decoder.TryDecode(Text("2[\"a\"]"), false, out _));
        Assert.Equal("got plaintext data when reconstructing a packet", e.Message);
    }

    [Fact]
    public void RejectsAPlaceholderPointingPastTheAttachments()
    {
        var decoder = Parser.CreateDecoder();
        Assert.False(decoder.TryDecode(Text("51-[\"a\",{\"_placeholder\":true,\"num\":3}]"), false, out _));
        var e = Assert.Throws<InvalidDataException>(() => decoder.TryDecode(new ReadOnlySequence<byte>([1]), true, out _));
        Assert.Equal("illegal attachments", e.Message);
    }

    [Fact]
    public void HonoursACustomAttachmentLimit()
    {
        var decoder = Parser.CreateDecoder(maxAttachments: 2);
        var e = Assert.Throws<InvalidDataException>(() => decoder.TryDecode(Text("53-[\"a\"]"), false, out _));
        Assert.Equal("too many attachments", e.Message);
    }

    [Fact]
    public void DecoderIsReusableAfterABinaryPacket()
    {
        var decoder = Parser.CreateDecoder();
        Assert.False(decoder.TryDecode(Text("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"), false, out _));
        Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>([7]), true, out var first));
        Assert.Equal(new byte[] { 7 }, first!.Data!.Get<byte[]>(0));
        Assert.True(decoder.TryDecode(Text("2[\"b\"]"), false, out var second));
        Assert.Equal("b", second!.EventName);
    }

    private static ReadOnlySequence<byte> Text(string s) => new(Encoding.UTF8.GetBytes(s));

    private static SocketIOPacket Decode(string wire, byte[][] attachments, int segmentSize)
    {
        var decoder = Parser.CreateDecoder();
        var complete = decoder.TryDecode(Segments.Split(Encoding.UTF8.GetBytes(wire), segmentSize), false, out var packet);
        for (var i = 0; i < attachments.Length; i++)
        {
            Assert.False(complete);
            complete = decoder.TryDecode(Segments.Split(attachments[i], Math.Max(1, Math.Min(segmentSize, attachments[i].Length))), true, out packet);
        }

        Assert.True(complete);
        return packet!;
    }

    private static object?[] DecodeArguments(PacketCase c) => Decode(c.Wire, c.Attachments, int.MaxValue).Data!.ToRawArray();

    private static string ArgumentsToJson(JsonSocketIOArguments args)
    {
        var parts = new string[args.Count];
        for (var i = 0; i < args.Count; i++)
        {
            parts[i] = args.GetElement(i).GetRawText();
        }

        return "[" + string.Join(",", parts) + "]";
    }
}
