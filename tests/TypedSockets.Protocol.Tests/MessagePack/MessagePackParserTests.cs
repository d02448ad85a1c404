using System.Buffers;
using System.Text.Json;
using MessagePack;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.MessagePack;
using TypedSockets.Protocol.Tests.SocketIO;

namespace TypedSockets.Protocol.Tests.MessagePack;

/// <summary>
/// One named table of packets drives the encoder and decoder theories; the wire bytes are what npm
/// socket.io-msgpack-parser writes (<see cref="MessagePackWireTable"/>). Every decode also runs on 1-byte segments.
/// </summary>
public sealed class MessagePackParserTests
{
    private static readonly MessagePackSocketIOParser Parser = MessagePackSocketIOParser.Default;

    /// <summary>
    /// An event or ack: what to encode and what decoding gives back. <see cref="Args"/> are .NET values whose msgpack
    /// form is the npm bytes. <see cref="ServerForm"/> is false for packets only socket.io-client writes (extra
    /// <c>options</c> key, other key order): those are decoded, never produced.
    /// </summary>
    public sealed record PacketCase(string Name, SocketIOPacketType Type, string Namespace, long AckId, string? EventName, object?[] Args, bool ServerForm = true)
    {
        public byte[] Wire => MessagePackWireTable.Bytes(Name);

        public override string ToString() => Name;
    }

    private static readonly byte[] Sevens = Enumerable.Repeat((byte)7, 300).ToArray();

    public static readonly TheoryData<PacketCase> EventAndAckCases = new()
    {
        new("event in the main namespace", SocketIOPacketType.Event, "/", -1, "foo", []),
        new("event in a custom namespace", SocketIOPacketType.Event, "/admin", -1, "bar", []),
        new("event with an ack id", SocketIOPacketType.Event, "/", 12, "foo", []),
        new("event with arguments", SocketIOPacketType.Event, "/", -1, "message", [1, "2", new Dictionary<string, bool[]> { ["3"] = [true] }]),
        new("event with namespace, ack id, null and false", SocketIOPacketType.Event, "/admin", 13, "bar", [null, false]),
        new("integers in their smallest form", SocketIOPacketType.Event, "/", -1, "n",
            [0, 127, 128, 255, 256, 65535, 65536, 4294967295L, 4294967296L, -1, -32, -33, -128, -129, -32768, -32769, int.MinValue, -2147483649L]),
        new("non-integers as float64", SocketIOPacketType.Event, "/", -1, "f", [1.5, -0.25]),
        new("whole numbers as integers", SocketIOPacketType.Event, "/", -1, "w", [2.0, -3.0, 4294967296.0, -0.0]), // JS has one number type
        new("strings of 31, 32 and 300 bytes", SocketIOPacketType.Event, "/", -1, "s", [new string('a', 31), new string('b', 32), new string('c', 300)]),
        new("non-ascii text", SocketIOPacketType.Event, "/", -1, "msg", ["héllo 😀"]),
        new("binary inline", SocketIOPacketType.Event, "/", -1, "baz", [new byte[] { 1, 2, 3 }]),
        new("binary in a namespace with an ack id", SocketIOPacketType.Event, "/admin", 7, "x", [Array.Empty<byte>(), Sevens]),
        // A JS Date binds to a date; .NET dates are written as ISO 8601 strings, as the JSON parser writes them.
        new("date as ext 0 milliseconds", SocketIOPacketType.Event, "/", -1, "d", [DateTimeOffset.FromUnixTimeMilliseconds(1700000000123)], ServerForm: false),
        new("date as an ISO 8601 string", SocketIOPacketType.Event, "/", -1, "d", [DateTimeOffset.FromUnixTimeMilliseconds(1700000000123).UtcDateTime]),
        new("ack in a namespace", SocketIOPacketType.Ack, "/admin", 13, null, ["bar"]),
        new("ack without arguments", SocketIOPacketType.Ack, "/", 0, null, []),
        new("binary ack", SocketIOPacketType.Ack, "/", 15, null, [new byte[] { 4, 5, 6 }]),
        new("client event", SocketIOPacketType.Event, "/", -1, "foo", [1], ServerForm: false),
        new("client event with an ack id", SocketIOPacketType.Event, "/admin", 3, "foo", [], ServerForm: false),
        new("client ack", SocketIOPacketType.Ack, "/", 4, null, ["x"], ServerForm: false),
        new("browser binary as ArrayBuffer", SocketIOPacketType.Event, "/", -1, "bin", [new byte[] { 1, 2, 3 }], ServerForm: false),
    };

    [Theory]
    [MemberData(nameof(EventAndAckCases))]
    public void EncodesEventsAndAcksToTheNpmBytes(PacketCase c)
    {
        var encoded = Encode(c, c.Args);
        Assert.True(encoded.PayloadIsBinary);
        Assert.Empty(encoded.Attachments);
        if (c.ServerForm)
        {
            Assert.Equal(Convert.ToHexString(c.Wire), Convert.ToHexString(encoded.Payload.Span));
        }
        else
        {
            // What socket.io-client wrote, re-encoded in the server's form, decodes to the same packet.
            AssertPacket(c, Decode(encoded.Payload.ToArray(), 1));
        }
    }

    [Theory]
    [MemberData(nameof(EventAndAckCases))]
    public void DecodesEventsAndAcks(PacketCase c)
    {
        foreach (var segmentSize in new[] { int.MaxValue, 1 })
        {
            AssertPacket(c, Decode(c.Wire, segmentSize));
        }
    }

    [Theory]
    [MemberData(nameof(EventAndAckCases))]
    public void RawArgumentsReEmitTheReceivedBytes(PacketCase c)
    {
        var packet = Decode(c.Wire, 1);
        var raw = packet.Data!.ToRawArray();
        var again = Encode(c, raw);
        if (c.ServerForm)
        {
            Assert.Equal(Convert.ToHexString(c.Wire), Convert.ToHexString(again.Payload.Span));
        }
        else
        {
            AssertPacket(c, Decode(again.Payload.ToArray(), 1));
        }
    }

    private static void AssertPacket(PacketCase c, SocketIOPacket packet)
    {
        Assert.Equal(c.Type, packet.Type);
        Assert.Equal(c.Namespace, packet.Namespace);
        Assert.Equal(c.AckId, packet.AckId);
        Assert.Equal(c.EventName, packet.EventName);
        var args = Assert.IsType<MessagePackSocketIOArguments>(packet.Data);
        Assert.Equal(c.Args.Length, args.Count);
        for (var i = 0; i < c.Args.Length; i++)
        {
            var expected = c.Args[i];
            if (expected is null)
            {
                Assert.True(args.IsNull(i));
                continue;
            }

            Assert.False(args.IsNull(i));
            Assert.Equal(expected, args.Get(i, expected.GetType()));
        }
    }

    [Fact]
    public void EncodesTheServerConnectReplyWithUndefinedPidAsSocketIODoes()
    {
        AssertWire("connect reply without pid", Parser.EncodeConnect("/", "abc", null));
        AssertWire("connect reply with pid", Parser.EncodeConnect("/admin", "abc", "p1"));
    }

    [Fact]
    public void EncodesConnectErrorsDisconnectsAndClientConnects()
    {
        AssertWire("connect error with data", Parser.EncodeConnectError("/", "not authorized", new Dictionary<string, int> { ["code"] = 42 }));
        AssertWire("disconnect", Parser.EncodeDisconnect("/"));
        AssertWire("disconnect from a namespace", Parser.EncodeDisconnect("/admin"));
        AssertWire("client connect without auth", Parser.EncodeClientConnect("/", null));
        AssertWire("client connect with auth", Parser.EncodeClientConnect("/admin", new Dictionary<string, string> { ["token"] = "abc" }));
        AssertWire("client connect with recovery fields", Parser.EncodeClientConnect("/", new Dictionary<string, string> { ["token"] = "t", ["pid"] = "ignored" }, "p1", "o9"));
        AssertWire("client connect without auth", Parser.EncodeClientConnect("/", null, null, null));

        // socket.io-client before its first event: offset undefined.
        Assert.Equal("83A47479706500A46461746182A3706964A27031A66F6666736574D40000A36E7370A12F", Parser.EncodeClientConnect("/", null, "p1", null).ToString());

        // socket.io writes {message, data: undefined} for a middleware error without data; we leave data out.
        Assert.Equal("83A47479706504A46461746181A76D657373616765A46E6F7065A36E7370A12F", Parser.EncodeConnectError("/", "nope", null).ToString());

        // msgpack carries the namespace as sent, so an empty one (which socket.io answers with "Invalid namespace") is
        // written back empty (nsp: a0), not as the main namespace "/".
        Assert.Equal("83A47479706504A46461746181A76D657373616765A46E6F7065A36E7370A0", Parser.EncodeConnectError("", "nope", null).ToString());
        var decoded = Decode(Parser.EncodeConnectError("", "Invalid namespace", null).Payload.ToArray(), 1);
        Assert.Equal(string.Empty, decoded.Namespace);
    }

    public static readonly TheoryData<string, SocketIOPacketType, string, string?> ControlCases = new()
    {
        // table name, type, namespace, payload as JSON (null: no payload)
        { "connect reply without pid", SocketIOPacketType.Connect, "/", "{\"sid\":\"abc\"}" }, // undefined pid: left out, as JSON.stringify does
        { "connect reply with pid", SocketIOPacketType.Connect, "/admin", "{\"sid\":\"abc\",\"pid\":\"p1\"}" },
        { "connect error with data", SocketIOPacketType.ConnectError, "/", "{\"message\":\"not authorized\",\"data\":{\"code\":42}}" },
        { "connect error without data", SocketIOPacketType.ConnectError, "/", "{\"message\":\"nope\"}" },
        { "unknown namespace", SocketIOPacketType.ConnectError, "/random", "{\"message\":\"Invalid namespace\"}" },
        { "client connect without auth", SocketIOPacketType.Connect, "/", null },
        { "client connect with auth", SocketIOPacketType.Connect, "/admin", "{\"token\":\"abc\"}" },
        { "client connect with recovery fields", SocketIOPacketType.Connect, "/", "{\"pid\":\"p1\",\"offset\":\"o9\",\"token\":\"t\"}" },
        { "disconnect", SocketIOPacketType.Disconnect, "/", null },
        { "disconnect from a namespace", SocketIOPacketType.Disconnect, "/admin", null },
    };

    [Theory]
    [MemberData(nameof(ControlCases))]
    public void DecodesConnectConnectErrorAndDisconnect(string name, SocketIOPacketType type, string nsp, string? payloadJson)
    {
        foreach (var segmentSize in new[] { int.MaxValue, 1 })
        {
            var packet = Decode(MessagePackWireTable.Bytes(name), segmentSize);
            Assert.Equal(type, packet.Type);
            Assert.Equal(nsp, packet.Namespace);
            Assert.Equal(-1, packet.AckId);
            if (type == SocketIOPacketType.Disconnect)
            {
                Assert.Null(packet.Data);
            }
            else if (payloadJson is null)
            {
                Assert.Equal(0, packet.Data!.Count);
            }
            else
            {
                Assert.Equal(1, packet.Data!.Count);
                Assert.Equal(payloadJson, packet.Data.Get<JsonElement>(0).GetRawText());
            }
        }
    }

    [Fact]
    public void ReadsTheRecoveryFieldsOfAConnectPacket()
    {
        var auth = Decode(MessagePackWireTable.Bytes("client connect with recovery fields"), 1).Data!;
        Assert.True(auth.TryGetStringProperty(0, "pid", out var pid));
        Assert.Equal("p1", pid);
        Assert.True(auth.TryGetStringProperty(0, "offset", out var offset));
        Assert.Equal("o9", offset);
        Assert.False(auth.TryGetStringProperty(0, "missing", out _));

        // The reply without recovery has pid undefined: not a string.
        var reply = Decode(MessagePackWireTable.Bytes("connect reply without pid"), 1).Data!;
        Assert.True(reply.TryGetStringProperty(0, "sid", out var sid));
        Assert.Equal("abc", sid);
        Assert.False(reply.TryGetStringProperty(0, "pid", out _));
    }

    public sealed record Token(string? Sid, string? Pid);

    [Fact]
    public void UndefinedReadsAsNullAndUndefinedPropertiesAsAbsent()
    {
        var args = Decode(MessagePackWireTable.Bytes("undefined inside an argument"), 1).Data!;
        Assert.Equal(2, args.Count);
        Assert.True(args.IsNull(1));
        Assert.Null(args.Get<string>(1));
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1 }, args.Get<Dictionary<string, int>>(0));
        Assert.Equal("{\"a\":1}", args.Get<JsonElement>(0).GetRawText());

        var reply = Decode(MessagePackWireTable.Bytes("connect reply without pid"), 1).Data!;
        Assert.Equal(new Token("abc", null), reply.Get<TokenDto>(0)!.ToToken());
    }

    [MessagePackObject]
    public sealed class TokenDto
    {
        [Key("sid")]
        public string? Sid { get; set; }

        [Key("pid")]
        public string? Pid { get; set; }

        public Token ToToken() => new(Sid, Pid);
    }

    [Fact]
    public void ReadsDatesAsJavaScriptWritesThem()
    {
        var args = Decode(MessagePackWireTable.Bytes("date as ext 0 milliseconds"), 1).Data!;
        var expected = DateTimeOffset.FromUnixTimeMilliseconds(1700000000123);
        Assert.Equal(expected, args.Get<DateTimeOffset>(0));
        Assert.Equal(expected.UtcDateTime, args.Get<DateTime>(0));
        Assert.Equal(DateTimeKind.Utc, args.Get<DateTime>(0).Kind);
        Assert.Equal("\"2023-11-14T22:13:20.123Z\"", args.Get<JsonElement>(0).GetRawText());
    }

    public sealed class Measures
    {
        public double Whole { get; set; }

        public float Half { get; set; }

        public double[] Series { get; set; } = [];
    }

    [Fact]
    public void NumbersInsideObjectsKeepTheSerializerFormAndReadBack()
    {
        var encoded = Parser.EncodeEvent("/", "m", [new Measures { Whole = 3, Half = 0.5f, Series = [1, 1.5] }, new List<double> { 2, 2.5 }]);

        // Members take their JSON contract names; numbers are written as notepack.io writes a JS number: whole values as
        // the smallest integer, others as float64 (float members too).
        Assert.Equal(
            "83A47479706502A46461746193A16D" +
            "83A577686F6C6503A468616C66CB3FE0000000000000A6736572696573" + "9201CB3FF8000000000000" +
            "9202CB4004000000000000" +
            "A36E7370A12F",
            encoded.ToString());
        var args = Decode(encoded.Payload.ToArray(), 1).Data!;
        var read = args.Get<Measures>(0)!;
        Assert.Equal(3, read.Whole);
        Assert.Equal(0.5f, read.Half);
        Assert.Equal([1, 1.5], read.Series);
        Assert.Equal([2, 2.5], args.Get<List<double>>(1));
    }

    [Fact]
    public void WritesDatesAsIsoStringsAndJavaScriptDatesWithTheMessagePackResolver()
    {
        var utc = DateTimeOffset.FromUnixTimeMilliseconds(1700000000123).UtcDateTime;
        AssertWire("date as an ISO 8601 string", Parser.EncodeEvent("/", "d", [utc]));
        var resolverParser = new MessagePackSocketIOParser(MessagePackObjectMapping.MessagePackResolver);
        AssertWire("date as ext 0 milliseconds", resolverParser.EncodeEvent("/", "d", [utc]));
    }

    [Fact]
    public void BinaryBindsToEveryByteContainer()
    {
        foreach (var name in new[] { "binary inline", "browser binary as ArrayBuffer" })
        {
            var args = Decode(MessagePackWireTable.Bytes(name), 1).Data!;
            Assert.Equal(new byte[] { 1, 2, 3 }, args.Get<byte[]>(0));
            Assert.Equal(new byte[] { 1, 2, 3 }, args.Get<ReadOnlyMemory<byte>>(0).ToArray());
            Assert.Equal(new byte[] { 1, 2, 3 }, args.Get<Memory<byte>>(0).ToArray());
            Assert.Equal(new byte[] { 1, 2, 3 }, args.Get<ArraySegment<byte>>(0).ToArray());
            Assert.Equal(new byte[] { 1, 2, 3 }, args.GetRaw(0));
        }
    }

    [MessagePackObject]
    public sealed class FileMessage
    {
        [Key("name")]
        public string Name { get; set; } = "";

        [Key("content")]
        public byte[] Content { get; set; } = [];

        [Key("sent")]
        public DateTimeOffset Sent { get; set; }
    }

    public sealed class Contractless
    {
        public string Title { get; set; } = "";

        public int[] Values { get; set; } = [];
    }

    [Fact]
    public void AttributedAndContractlessTypesRoundTrip()
    {
        var file = new FileMessage { Name = "a.bin", Content = [1, 2, 3], Sent = DateTimeOffset.FromUnixTimeMilliseconds(5) };
        var encoded = Parser.EncodeEvent("/", "upload", [file, new Contractless { Title = "t", Values = [1, 2] }]);

        // {name, content (bin), sent (ISO string)}: [Key("name")] names the member; the contractless type is camelCase.
        Assert.Contains("A46E616D65A5612E62696EA7636F6E74656E74C403010203A473656E74BD" + Convert.ToHexString("1970-01-01T00:00:00.005+00:00"u8), encoded.ToString());
        Assert.Contains("82A57469746C65A174A676616C7565739201" + "02", encoded.ToString());
        var args = Decode(encoded.Payload.ToArray(), 1).Data!;
        var read = args.Get<FileMessage>(0)!;
        Assert.Equal("a.bin", read.Name);
        Assert.Equal(new byte[] { 1, 2, 3 }, read.Content);
        Assert.Equal(file.Sent, read.Sent);
        var contractless = args.Get<Contractless>(1)!;
        Assert.Equal("t", contractless.Title);
        Assert.Equal([1, 2], contractless.Values);
    }

    [Fact]
    public void DynamicValuesReadAsJavaScriptValues()
    {
        // {type:2, data:["v", {when: Date, bytes: ArrayBuffer [1,2], gone: undefined, list: [1, "a", null]}], nsp:"/"}
        var wire = Convert.FromHexString(
            "83A47479706502A46461746192A176" +
            "84A47768656ED7000000018BCFE5687BA56279746573C702000102" +
            "A4676F6E65D40000A46C69737493" + "01A161C0" + "A36E7370A12F");
        var args = Decode(wire, 1).Data!;

        // object reads as a JsonElement, as with the JSON parser: dates as ISO strings, binary as base64, undefined left out.
        var value = Assert.IsType<JsonElement>(args.Get<object>(0));
        Assert.Equal("{\"when\":\"2023-11-14T22:13:20.123Z\",\"bytes\":\"AQI=\",\"list\":[1,\"a\",null]}", value.GetRawText());
        Assert.Equal(value.GetRawText(), args.Get<JsonElement>(0).GetRawText());

        // With the MessagePack-CSharp mapping, object reads as JS values.
        var dynamicValue = Assert.IsType<Dictionary<string, object?>>(
            Decode(wire, 1, new MessagePackSocketIOParser(MessagePackObjectMapping.MessagePackResolver)).Data!.Get<object>(0));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123), dynamicValue["when"]);
        Assert.Equal(new byte[] { 1, 2 }, dynamicValue["bytes"]);
        Assert.False(dynamicValue.ContainsKey("gone")); // an undefined property is absent
        var list = Assert.IsType<object?[]>(dynamicValue["list"]);
        Assert.Equal(1, Convert.ToInt32(list[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("a", list[1]);
        Assert.Null(list[2]);
    }

    [Fact]
    public void TryGetStringReadsOnlyStrings()
    {
        var args = Decode(MessagePackWireTable.Bytes("event with arguments"), 1).Data!;
        Assert.False(args.TryGetString(0, out _)); // 1
        Assert.True(args.TryGetString(1, out var two));
        Assert.Equal("2", two);
        Assert.False(args.TryGetString(2, out _)); // a map
        Assert.False(args.TryGetString(3, out _)); // no such argument
    }

    [Fact]
    public void ReadsANumericEventNameAsText()
    {
        // {type:2, data:[1, "a"], nsp:"/"}
        var packet = Decode(Convert.FromHexString("83A47479706502A46461746192" + "01A161" + "A36E7370A12F"), 1);
        Assert.Equal("1", packet.EventName);
        Assert.Equal("a", packet.Data!.Get<string>(0));
    }

    [Fact]
    public void ReadingAnArgumentAsTheWrongTypeIsABindingError()
    {
        var packet = Decode(MessagePackWireTable.Bytes("event with arguments"), 1);
        var error = Assert.Throws<SocketIOBindingException>(() => packet.Data!.Get<int>(2));
        Assert.StartsWith("Argument 2 cannot be read as System.Int32", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.Data!.Get<int>(3));
    }

    [Fact]
    public void JsonValuesAreWrittenAsMsgpackAndRawValuesAsJson()
    {
        // A value received by the JSON parser forwarded with the msgpack parser, and the other way round.
        using var json = JsonDocument.Parse("[1,\"2\",{\"3\":[true]}]");
        AssertWire("event with arguments", Parser.EncodeEvent("/", "message", [json.RootElement[0], json.RootElement[1], json.RootElement[2]]));

        var raw = Decode(MessagePackWireTable.Bytes("event with arguments"), 1).Data!.ToRawArray();
        var jsonParser = TypedSockets.Protocol.SocketIO.Json.JsonSocketIOParser.Default;
        Assert.Equal("2[\"message\",1,\"2\",{\"3\":[true]}]", jsonParser.EncodeEvent("/", "message", raw).ToString());
        var binary = Decode(MessagePackWireTable.Bytes("binary inline"), 1).Data!.ToRawArray();
        var withAttachment = jsonParser.EncodeEvent("/", "baz", binary);
        Assert.Equal("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]", withAttachment.ToString());
    }

    [Fact]
    public void JsonValuesWithAttachmentsAreForwardedWithInlineBinary()
    {
        var json = TypedSockets.Protocol.SocketIO.Json.JsonSocketIOParser.Default;
        var decoder = json.CreateDecoder();
        Assert.False(decoder.TryDecode(new ReadOnlySequence<byte>("51-[\"m\",{\"a\":{\"_placeholder\":true,\"num\":0}}]"u8.ToArray()), false, out _));
        Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(new byte[] { 7, 8 }), true, out var packet));
        var raw = packet!.Data!.ToRawArray();
        Assert.IsType<TypedSockets.Protocol.SocketIO.Json.JsonWithAttachments>(raw[0]);

        // {type:2, data:["m", {a: <bin 0708>}], nsp:"/"}
        Assert.Equal("83A47479706502A46461746192A16D81A161C4020708A36E7370A12F", Parser.EncodeEvent("/", "m", raw).ToString());
    }

    public static readonly TheoryData<string, string, string> InvalidCases = new()
    {
        // name, hex, error
        { "empty message", "", "truncated msgpack" },
        { "not a map", "92a16101", "invalid packet type" },
        { "truncated map", "83a47479706502a464617461", "truncated msgpack" },
        { "truncated string", "83a47479706502a46461746191a3666f", "truncated msgpack" },
        { "trailing bytes", "82a47479706501a36e7370a12f0000", "2 trailing bytes" },
        { "unknown format 0xc1", "82a474797065c1a36e7370a12f", "Could not parse" },
        { "type missing", "81a36e7370a12f", "invalid packet type" },
        { "type as a string", "82a474797065a131a36e7370a12f", "invalid packet type" },
        { "type 5 (no binary event in this parser)", "83a47479706505a46461746191a3666f6fa36e7370a12f", "invalid packet type" },
        { "type 6 (no binary ack in this parser)", "84a269640fa47479706506a46461746191c403040506a36e7370a12f", "invalid packet type" },
        { "type 7", "82a47479706507a36e7370a12f", "invalid packet type" },
        { "type -1", "82a474797065ffa36e7370a12f", "invalid packet type" },
        { "type 2.5", "82a474797065cb4004000000000000a36e7370a12f", "invalid packet type" },
        { "namespace missing", "82a47479706502a46461746191a3666f6f", "invalid namespace" },
        { "namespace as a number", "83a47479706502a46461746191a3666f6fa36e737001", "invalid namespace" },
        { "event without data", "82a47479706502a36e7370a12f", "invalid payload" },
        { "event data as a map", "83a47479706502a46461746180a36e7370a12f", "invalid payload" },
        { "event data empty", "83a47479706502a46461746190a36e7370a12f", "invalid payload" },
        { "event name as a map", "83a47479706502a4646174619180a36e7370a12f", "invalid payload" },
        { "event name reserved", "83a47479706502a46461746191a7636f6e6e656374a36e7370a12f", "invalid payload" },
        { "ack data as a string", "84a2696400a47479706503a464617461a178a36e7370a12f", "invalid payload" },
        { "connect data as an array", "83a47479706500a46461746190a36e7370a12f", "invalid payload" },
        { "connect data null", "83a47479706500a464617461c0a36e7370a12f", "invalid payload" },
        { "disconnect with data", "83a47479706501a46461746180a36e7370a12f", "invalid payload" },
        { "connect error without data", "82a47479706504a36e7370a12f", "invalid payload" },
        { "connect error data as a number", "83a47479706504a46461746101a36e7370a12f", "invalid payload" },
        { "ack id as a string", "84a26964a131a47479706503a46461746190a36e7370a12f", "invalid packet id" },
        { "ack id negative", "84a26964ffa47479706503a46461746190a36e7370a12f", "invalid packet id" },
        { "ack id beyond 2^53", "84a26964cf0020000000000000a47479706503a46461746190a36e7370a12f", "invalid packet id" },
        { "2 GB bin header in a 20-byte message", "83a47479706502a46461746192a161c67fffffff", "truncated msgpack" },
        { "4 GB string header", "82a474797065dbffffffff", "truncated msgpack" },
        { "array of 2^32-1 elements", "83a47479706502a464617461ddffffffff00", "truncated msgpack" },
        { "map of 2^32-1 pairs", "dfffffffff", "truncated msgpack" },
        { "ext header past the end", "83a47479706502a46461746192a161c9ffffffff00", "truncated msgpack" },
        { "nesting deeper than 64", "83a47479706502a46461746192a161" + string.Concat(Enumerable.Repeat("91", 70)) + "c0a36e7370a12f", "msgpack nested too deeply" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void RejectsInvalidPacketsWithAnExactError(string name, string hex, string error)
    {
        Assert.NotNull(name);
        foreach (var segmentSize in new[] { int.MaxValue, 1 })
        {
            var decoder = Parser.CreateDecoder();
            var e = Assert.Throws<InvalidDataException>(() => decoder.TryDecode(Segments.Split(Convert.FromHexString(hex), segmentSize), true, out _));
            Assert.Equal(error, e.Message);
        }
    }

    [Fact]
    public void RejectsTextMessages()
    {
        var decoder = Parser.CreateDecoder();
        var e = Assert.Throws<InvalidDataException>(() => decoder.TryDecode(new ReadOnlySequence<byte>("2[\"a\"]"u8.ToArray()), false, out _));
        Assert.Equal("got text data: the msgpack parser takes binary messages only", e.Message);
    }

    [Fact]
    public void AHugeDeclaredLengthIsRejectedWithoutAllocatingIt()
    {
        var message = Convert.FromHexString("83a47479706502a46461746192a161c67fffffff");
        Assert.Equal(20, message.Length);
        var decoder = Parser.CreateDecoder();
        decoder.TryDecode(new ReadOnlySequence<byte>(MessagePackWireTable.Bytes("binary inline")), true, out _); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidDataException>(() => decoder.TryDecode(new ReadOnlySequence<byte>(message), true, out _));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public void DecoderKeepsWorkingAfterEveryPacket()
    {
        var decoder = Parser.CreateDecoder();
        foreach (var name in new[] { "binary inline", "client ack", "event in a custom namespace" })
        {
            Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(MessagePackWireTable.Bytes(name)), true, out var packet));
            Assert.NotNull(packet);
        }
    }

    [Fact]
    public void ArgumentsOutliveTheReceiveBuffer()
    {
        var buffer = MessagePackWireTable.Bytes("event with arguments");
        var decoder = Parser.CreateDecoder();
        decoder.TryDecode(new ReadOnlySequence<byte>(buffer), true, out var packet);
        Array.Clear(buffer); // the transport reuses its buffer
        Assert.Equal("2", packet!.Data!.Get<string>(1));
    }

    [Fact]
    public void CustomOptionsKeepTheJavaScriptFormsOfDatesAndBinary()
    {
        var options = MessagePackSerializerOptions.Standard.WithResolver(global::MessagePack.Resolvers.StandardResolver.Instance);
        var parser = new MessagePackSocketIOParser(options);
        Assert.Equal("msgpack", parser.Name);
        AssertWire("date as ext 0 milliseconds", parser.EncodeEvent("/", "d", [DateTimeOffset.FromUnixTimeMilliseconds(1700000000123)]));
        var args = Decode(MessagePackWireTable.Bytes("browser binary as ArrayBuffer"), 1, parser).Data!;
        Assert.Equal(new byte[] { 1, 2, 3 }, args.Get<byte[]>(0));
    }

    private static EncodedPacket Encode(PacketCase c, object?[] args) => c.Type == SocketIOPacketType.Event
        ? Parser.EncodeEvent(c.Namespace, c.EventName!, args, c.AckId)
        : Parser.EncodeAck(c.Namespace, c.AckId, args);

    private static void AssertWire(string name, EncodedPacket encoded)
    {
        Assert.True(encoded.PayloadIsBinary);
        Assert.Equal(MessagePackWireTable.Hex[name].ToUpperInvariant(), Convert.ToHexString(encoded.Payload.Span));
    }

    private static SocketIOPacket Decode(byte[] wire, int segmentSize, MessagePackSocketIOParser? parser = null)
    {
        var decoder = (parser ?? Parser).CreateDecoder();
        Assert.True(decoder.TryDecode(Segments.Split(wire, segmentSize), true, out var packet));
        return packet!;
    }
}
