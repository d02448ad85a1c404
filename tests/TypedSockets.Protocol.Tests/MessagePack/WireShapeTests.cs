using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Protocol.SocketIO.MessagePack;
using TypedSockets.Protocol.Tests.SocketIO;

namespace TypedSockets.Protocol.Tests.MessagePack;

/// <summary>
/// One contract, one wire shape: the System.Text.Json contract of a type is what both parsers put on the wire and what
/// they accept (names, enum form, dates, fields, binary), and a payload that misses a required member is refused.
/// </summary>
public sealed class WireShapeTests
{
    private static readonly MessagePackSocketIOParser Msgpack = MessagePackSocketIOParser.Default;
    private static readonly JsonSocketIOParser Json = JsonSocketIOParser.Default;

    public sealed record CounterDelta(string Counter, int Delta);

    public enum Mood
    {
        Calm,
        Angry,
    }

    [JsonConverter(typeof(JsonStringEnumConverter<Colour>))]
    public enum Colour
    {
        Red,
        DarkBlue,
    }

    public struct Point
    {
        public int X;
        public int Y;
    }

    public sealed record Reading(Mood Mood, Colour Colour, DateTime At, Point Where, byte[] Blob);

    public sealed class Renamed
    {
        [Key("k")]
        public int ByKey { get; set; }

        [Key("ignored")]
        [JsonPropertyName("j")]
        public int ByJsonName { get; set; }
    }

    // {type:2, data:["c", <value>], nsp:"/"}
    private static byte[] Event(string valueHex) => Convert.FromHexString("83A47479706502A46461746192A163" + valueHex + "A36E7370A12F");

    private static string Hex(string text) => Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(text));

    private static SocketIOArguments DecodeMsgpack(byte[] wire)
    {
        Assert.True(Msgpack.CreateDecoder().TryDecode(Segments.Split(wire, 1), true, out var packet));
        return packet!.Data!;
    }

    [Fact]
    public void ANaturalJavaScriptObjectBindsToARecord()
    {
        // {counter: "main", delta: 2}, as socket.io-msgpack-parser writes it.
        var args = DecodeMsgpack(Event("82A7" + Hex("counter") + "A4" + Hex("main") + "A5" + Hex("delta") + "02"));
        Assert.Equal(new CounterDelta("main", 2), args.Get<CounterDelta>(0));
    }

    [Fact]
    public void APayloadMissingAConstructorParameterIsRefused()
    {
        var args = DecodeMsgpack(Event("81A7" + Hex("counter") + "A4" + Hex("main")));
        var error = Assert.Throws<SocketIOBindingException>(() => args.Get<CounterDelta>(0));
        Assert.Contains("delta", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullForANonNullableMemberIsRefused()
    {
        var args = DecodeMsgpack(Event("82A7" + Hex("counter") + "C0A5" + Hex("delta") + "02"));
        var error = Assert.Throws<SocketIOBindingException>(() => args.Get<CounterDelta>(0));
        Assert.Contains("counter", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheJsonParserRefusesTheSamePayloads()
    {
        Assert.Throws<SocketIOBindingException>(() => DecodeJson("2[\"c\",{\"counter\":\"main\"}]").Get<CounterDelta>(0));
        Assert.Throws<SocketIOBindingException>(() => DecodeJson("2[\"c\",{\"counter\":null,\"delta\":2}]").Get<CounterDelta>(0));
        Assert.Equal(new CounterDelta("main", 2), DecodeJson("2[\"c\",{\"counter\":\"main\",\"delta\":2}]").Get<CounterDelta>(0));
    }

    [Fact]
    public void BothParsersWriteARecordWithCamelCaseNames()
    {
        var value = new CounterDelta("main", 2);
        Assert.Equal("2[\"c\",{\"counter\":\"main\",\"delta\":2}]", Json.EncodeEvent("/", "c", [value]).ToString());
        var expected = Convert.ToHexString(Event("82A7" + Hex("counter") + "A4" + Hex("main") + "A5" + Hex("delta") + "02"));
        Assert.Equal(expected, Convert.ToHexString(Msgpack.EncodeEvent("/", "c", [value]).Payload.Span));

        var writer = Msgpack.RentPacketWriter();
        writer.BeginEvent("/", new SocketEventName("c"));
        writer.Write(value);
        var packet = writer.Complete();
        Assert.Equal(expected, Convert.ToHexString(packet.Payload.Span));
        packet.Release();
        writer.Return();
    }

    [Fact]
    public void EnumsDatesFieldsAndBinaryTakeTheSameFormUnderBothParsers()
    {
        var reading = new Reading(Mood.Angry, Colour.DarkBlue, new DateTime(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc), new Point { X = 3, Y = -4 }, [1, 2]);
        Assert.Equal(
            "51-[\"r\",{\"mood\":1,\"colour\":\"DarkBlue\",\"at\":\"2024-05-06T07:08:09.123Z\",\"where\":{\"x\":3,\"y\":-4},\"blob\":{\"_placeholder\":true,\"num\":0}}]",
            Json.EncodeEvent("/", "r", [reading]).ToString());

        // The same map in msgpack: mood 1, colour "DarkBlue", at an ISO string, where {x:3, y:-4}, blob as bin.
        var expected = "85" +
            "A4" + Hex("mood") + "01" +
            "A6" + Hex("colour") + "A8" + Hex("DarkBlue") +
            "A2" + Hex("at") + "B8" + Hex("2024-05-06T07:08:09.123Z") +
            "A5" + Hex("where") + "82A178" + "03" + "A179" + "FC" +
            "A4" + Hex("blob") + "C4020102";
        var encoded = Msgpack.EncodeEvent("/", "r", [reading]);
        Assert.Equal("83A47479706502A46461746192A172" + expected + "A36E7370A12F", Convert.ToHexString(encoded.Payload.Span));

        var read = DecodeMsgpack(encoded.Payload.ToArray()).Get<Reading>(0)!;
        Assert.Equal(reading with { Blob = read.Blob }, read);
        Assert.Equal(new byte[] { 1, 2 }, read.Blob);
    }

    [Fact]
    public void JavaScriptDatesAndMsgpackTimestampsBindToDates()
    {
        // notepack's JS Date (ext 0, int64 ms) and the msgpack timestamp extension (-1, 32 and 96 bit forms).
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1700000000123);
        Assert.Equal(at, DecodeMsgpack(Event("D7000000018BCFE5687B")).Get<DateTimeOffset>(0));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000).UtcDateTime, DecodeMsgpack(Event("D6FF6553F100")).Get<DateTime>(0));
        Assert.Equal(at.UtcDateTime, DecodeMsgpack(Event("C70CFF" + "0754D4C0" + "000000006553F100")).Get<DateTime>(0));
    }

    [Fact]
    public void KeyAttributesNameMembersAndJsonPropertyNameWins()
    {
        var value = new Renamed { ByKey = 1, ByJsonName = 2 };
        Assert.Equal("2[\"c\",{\"k\":1,\"j\":2}]", Json.EncodeEvent("/", "c", [value]).ToString());
        var args = DecodeMsgpack(Msgpack.EncodeEvent("/", "c", [value]).Payload.ToArray());
        Assert.Equal("{\"k\":1,\"j\":2}", args.Get<JsonElement>(0).GetRawText());
        Assert.Equal(2, args.Get<Renamed>(0)!.ByJsonName);
    }

    [Fact]
    public void TheMessagePackResolverMappingKeepsTheMessagePackCSharpShape()
    {
        var parser = new MessagePackSocketIOParser(MessagePackObjectMapping.MessagePackResolver);
        var encoded = parser.EncodeEvent("/", "c", [new CounterDelta("main", 2)]);
        Assert.Contains("82A7" + Hex("Counter") + "A4" + Hex("main") + "A5" + Hex("Delta") + "02", Convert.ToHexString(encoded.Payload.Span), StringComparison.Ordinal);
    }

    public sealed record TwoWords(int FirstValue);

    [Fact]
    public void TheAppsNamingPolicyAppliesToBothParsers()
    {
        var options = JsonSocketIOParser.CreateSerializerOptions();
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        var args = DecodeMsgpack(new MessagePackSocketIOParser(options).EncodeEvent("/", "c", [new TwoWords(1)]).Payload.ToArray());
        Assert.Equal("{\"first_value\":1}", args.Get<JsonElement>(0).GetRawText());
        Assert.Equal("2[\"c\",{\"first_value\":1}]", new JsonSocketIOParser(options).EncodeEvent("/", "c", [new TwoWords(1)]).ToString());
    }

    private static SocketIOArguments DecodeJson(string text)
    {
        var decoder = Json.CreateDecoder();
        Assert.True(decoder.TryDecode(new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(text)), false, out var packet));
        return packet!.Data!;
    }
}
