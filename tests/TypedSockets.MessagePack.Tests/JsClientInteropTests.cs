using System.Text.Json;

namespace TypedSockets.MessagePack.Tests;

/// <summary>
/// The npm socket.io-client 4.8 with socket.io-msgpack-parser 3.0 against our server with the msgpack parser, over
/// WebSocket and over HTTP long-polling (binary messages then travel base64 in the polling payload).
/// </summary>
public sealed class JsClientInteropTests(JsClientRun run) : IClassFixture<JsClientRun>
{
    public static readonly TheoryData<string> Transports = new() { "websocket", "polling" };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task EventArgumentsComeBackUnchangedWhenReEmittedRaw(string transport)
    {
        var echo = await run.ScenarioAsync(transport, "echo");
        // {four: undefined} keeps its undefined and the Date stays a Date: raw values are re-emitted byte for byte.
        Assert.Equal(
            "[1,\"two\",{\"three\":[true,null],\"four\":{\"undefined\":true}},1.5,-7,1099511627776,{\"bin\":\"010203\"},{\"date\":1700000000123},\"h\u00e9llo \uD83D\uDE00\"]",
            Compact(echo));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ClientAcksAreAnsweredWithTheirArguments(string transport)
    {
        Assert.Equal("[\"x\",2,{\"bin\":\"07\"}]", Compact(await run.ScenarioAsync(transport, "ack")));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AttributedTypesBindFromJavaScriptObjects(string transport)
    {
        var summary = await run.ScenarioAsync(transport, "typed");
        Assert.Equal(
            "[{\"name\":\"A.BIN\",\"size\":3,\"reversed\":{\"bin\":\"030201\"},\"nextDay\":\"2023-11-15T22:13:20.123+00:00\",\"tagCount\":2}]",
            Compact(summary));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OneContractGivesOneWireShapeUnderBothParsers(string transport)
    {
        var got = await run.ScenarioAsync(transport, "one wire shape");
        foreach (var parser in new[] { "msgpack", "json" })
        {
            // Only the complete payload was bound: the one missing delta and the one with counter: null were refused.
            Assert.Equal(1, got.GetProperty(parser).GetProperty("calls").GetInt32());
            Assert.Equal(
                "[{\"counter\":\"main\",\"delta\":2}," +
                "{\"mood\":1,\"colour\":\"DarkBlue\",\"at\":\"2024-05-06T07:08:09.123Z\",\"where\":{\"x\":3,\"y\":-4},\"blob\":{\"bin\":\"0102\"}}]",
                Compact(got.GetProperty(parser).GetProperty("received")));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BrowserArrayBuffersBindAsBytes(string transport)
    {
        Assert.Equal("[4,{\"bin\":\"05060708\"}]", Compact(await run.ScenarioAsync(transport, "browser binary")));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task LargeBinaryTravelsInline(string transport)
    {
        Assert.Equal("{\"same\":true,\"length\":200000}", Compact(await run.ScenarioAsync(transport, "large binary")));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerAcksAreAnsweredByTheJavaScriptClient(string transport)
    {
        Assert.Equal("[42,{\"bin\":\"0809\"}]", Compact(await run.ScenarioAsync(transport, "server ack")));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task GeneratedEmittersAndDispatchersSpeakMsgpack(string transport)
    {
        var typed = await run.ScenarioAsync(transport, "generated emitters and dispatchers");
        Assert.Equal(42, typed.GetProperty("points").GetInt32());
        Assert.Equal(
            "[[\"alice\",42,{\"x\":4.2,\"y\":-2},{\"bin\":\"010203\"}]," +
            "[\"alice (room)\",42,{\"x\":4.2,\"y\":0},{\"bin\":\"\"}]," +
            "[\"confirm\",\"keep 42?\"]]",
            Compact(typed.GetProperty("scores")));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task RoomBroadcastsReachMembersOnlyAndNamespaceBroadcastsReachEveryone(string transport)
    {
        var got = await run.ScenarioAsync(transport, "rooms");
        Assert.Equal("[[\"everyone\",{\"n\":1}]]", Compact(got.GetProperty("a"))); // the sender is excepted from its room broadcast
        Assert.Equal("[[\"hi room\",{\"bin\":\"01\"}],[\"everyone\",{\"n\":1}]]", Compact(got.GetProperty("b")));
        Assert.Equal("[[\"everyone\",{\"n\":1}]]", Compact(got.GetProperty("c")));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NamespacesReadTheAuthAndServerDisconnectsReachTheClient(string transport)
    {
        var admin = await run.ScenarioAsync(transport, "namespace with auth");
        Assert.Equal("[\"/admin\",\"secret\",{\"token\":\"secret\"}]", Compact(admin.GetProperty("who")));
        Assert.Equal("io server disconnect", admin.GetProperty("reason").GetString());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MiddlewareErrorsArriveWithTheirData(string transport)
    {
        var error = await run.ScenarioAsync(transport, "connect error with data");
        Assert.Equal("{\"message\":\"not authorized\",\"data\":{\"code\":42,\"token\":\"wrong\"}}", Compact(error));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task UnknownNamespacesAreRefused(string transport)
    {
        Assert.Equal("{\"message\":\"Invalid namespace\"}", Compact(await run.ScenarioAsync(transport, "unknown namespace")));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ConnectionStateIsRecoveredWithTheMissedBroadcast(string transport)
    {
        var recovery = await run.ScenarioAsync(transport, "recovery");
        Assert.Equal("{\"recovered\":false,\"hasPid\":true}", Compact(recovery.GetProperty("first")));
        Assert.True(recovery.GetProperty("recovered").GetBoolean(), Compact(recovery));
        Assert.Equal("[1,2]", Compact(recovery.GetProperty("ticks")));
    }

    private static string Compact(JsonElement element) => element.GetRawText(); // node prints JSON.stringify output: compact, unescaped
}
