using System.Net;
using System.Net.WebSockets;
using System.Text.Json;

namespace TypedSockets.Server.Tests.EngineIO;

/// <summary>
/// The 25 cases of the official Engine.IO v4 conformance suite (docs/engine.io-protocol/v4-test-suite), written in C#
/// against the conformance host: pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1,000,000, echo handler.
/// </summary>
[Collection(EngineIOCollection.Name)]
public class EngineIOConformanceTests(ConformanceHostFixture host) : IClassFixture<ConformanceHostFixture>
{
    private const int PingInterval = 300;
    private const int PingTimeout = 200;

    private EngineIOTestClient Client => host.Client;

    // handshake / HTTP long-polling

    [Fact]
    public async Task PollingHandshakeOpensASessionWithExactlyTheFiveKeys()
    {
        using var response = await Client.Http.GetAsync("/engine.io/?EIO=4&transport=polling");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var content = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("0", content);
        var value = JsonDocument.Parse(content[1..]).RootElement;
        Assert.Equal(["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"], value.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, value.GetProperty("sid").ValueKind);
        Assert.Equal(["websocket"], value.GetProperty("upgrades").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(PingInterval, value.GetProperty("pingInterval").GetInt32());
        Assert.Equal(PingTimeout, value.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1_000_000, value.GetProperty("maxPayload").GetInt32());
    }

    [Theory]
    [InlineData("/engine.io/?transport=polling")]
    [InlineData("/engine.io/?EIO=abc&transport=polling")]
    [InlineData("/engine.io/?EIO=3&transport=polling")]
    public async Task PollingHandshakeFailsWithAnInvalidEIOParameter(string url)
    {
        using var response = await Client.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"code\":5,\"message\":\"Unsupported protocol version\"}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/engine.io/?EIO=4")]
    [InlineData("/engine.io/?EIO=4&transport=abc")]
    public async Task PollingHandshakeFailsWithAnInvalidTransportParameter(string url)
    {
        using var response = await Client.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"code\":0,\"message\":\"Transport unknown\"}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    public async Task PollingHandshakeFailsWithAnInvalidRequestMethod(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/engine.io/?EIO=4&transport=polling");
        using var response = await Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"code\":2,\"message\":\"Bad handshake method\"}", await response.Content.ReadAsStringAsync());
    }

    // handshake / WebSocket

    [Fact]
    public async Task WebSocketHandshakeOpensASessionWithoutUpgrades()
    {
        var (socket, value) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            Assert.Equal(["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"], value.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.String, value.GetProperty("sid").ValueKind);
            Assert.Empty(value.GetProperty("upgrades").EnumerateArray());
            Assert.Equal(PingInterval, value.GetProperty("pingInterval").GetInt32());
            Assert.Equal(PingTimeout, value.GetProperty("pingTimeout").GetInt32());
            Assert.Equal(1_000_000, value.GetProperty("maxPayload").GetInt32());
        }
    }

    [Theory]
    [InlineData("transport=websocket")]
    [InlineData("EIO=abc&transport=websocket")]
    public async Task WebSocketHandshakeFailsWithAnInvalidEIOParameter(string query)
    {
        Assert.Equal(HttpStatusCode.BadRequest, await Client.ConnectWebSocketExpectingRefusalAsync(query));
    }

    [Theory]
    [InlineData("EIO=4")]
    [InlineData("EIO=4&transport=abc")]
    public async Task WebSocketHandshakeFailsWithAnInvalidTransportParameter(string query)
    {
        Assert.Equal(HttpStatusCode.BadRequest, await Client.ConnectWebSocketExpectingRefusalAsync(query));
    }

    // message / HTTP long-polling

    [Theory]
    [InlineData("4hello")]
    [InlineData("4test1\u001e4test2\u001e4test3")]
    [InlineData("4hello\u001ebAQIDBA==")]
    public async Task PollingSendsAndReceivesAPayload(string payload)
    {
        var sid = await Client.OpenPollingAsync();

        Assert.Equal((HttpStatusCode.OK, "ok"), await Client.PostAsync(sid, payload));
        Assert.Equal((HttpStatusCode.OK, payload), await Client.PollSkippingPingsAsync(sid));
    }

    [Fact]
    public async Task PollingClosesTheSessionUponInvalidPacketFormat()
    {
        var sid = await Client.OpenPollingAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsync(sid, "abc")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);
    }

    [Fact]
    public Task PollingClosesTheSessionUponDuplicatePollRequests() => RetryWhenAPingAnswersFirstAsync(async () =>
    {
        var sid = await Client.OpenPollingAsync();
        await Client.AwaitPingAndPongAsync(sid);

        var first = Client.PollAsync(sid);
        await Task.Delay(20);
        using var second = await Client.Http.GetAsync(Client.PollingUrl(sid, "&t=burst")).WaitAsync(EngineIOTestClient.Timeout);
        using var firstResponse = await first.WaitAsync(EngineIOTestClient.Timeout);
        var content = await firstResponse.Content.ReadAsStringAsync();
        if (content == "2")
        {
            return false;
        }

        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal("1", content);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);
        return true;
    });

    [Fact]
    public Task PollingClosesTheSessionUponCancelledPollingRequest() => RetryWhenAPingAnswersFirstAsync(async () =>
    {
        var sid = await Client.OpenPollingAsync();
        await Client.AwaitPingAndPongAsync(sid);
        using var cancel = new CancellationTokenSource();

        var poll = Client.PollAsync(sid, cancel.Token);
        await Task.Delay(20);
        cancel.Cancel();
        try
        {
            (await poll).Dispose();
            return false; // answered (by a ping) before the cancellation
        }
        catch (OperationCanceledException)
        {
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);
        return true;
    });

    // message / WebSocket

    [Fact]
    public async Task WebSocketSendsAndReceivesAPlainTextPacket()
    {
        var (socket, _) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            await EngineIOTestClient.SendTextAsync(socket, "4hello");

            Assert.Equal("4hello", await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));
        }
    }

    [Fact]
    public async Task WebSocketSendsAndReceivesABinaryPacket()
    {
        var (socket, _) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            await socket.SendAsync(new byte[] { 1, 2, 3, 4 }, WebSocketMessageType.Binary, true, CancellationToken.None);

            var (type, data) = await EngineIOTestClient.ReceiveAsync(socket);
            Assert.Equal(WebSocketMessageType.Binary, type);
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, data);
        }
    }

    [Fact]
    public async Task WebSocketClosesTheSessionUponInvalidPacketFormat()
    {
        var (socket, _) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            await EngineIOTestClient.SendTextAsync(socket, "abc");

            Assert.Equal(WebSocketCloseStatus.NormalClosure, await EngineIOTestClient.WaitForCloseAsync(socket));
        }
    }

    // heartbeat

    [Fact]
    public async Task PollingSendsPingAndAcceptsPong()
    {
        var sid = await Client.OpenPollingAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal((HttpStatusCode.OK, "2"), await Client.PollTextAsync(sid));
            Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(sid, "3")).Status);
        }
    }

    [Fact]
    public async Task PollingClosesTheSessionUponPingTimeout()
    {
        var sid = await Client.OpenPollingAsync();

        await Task.Delay(PingInterval + PingTimeout + 500);

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);
    }

    [Fact]
    public async Task WebSocketSendsPingAndAcceptsPong()
    {
        var (socket, _) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("2", await EngineIOTestClient.ReceiveTextAsync(socket));
                await EngineIOTestClient.SendTextAsync(socket, "3");
            }
        }
    }

    [Fact]
    public async Task WebSocketClosesTheSessionUponPingTimeout()
    {
        var (socket, _) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            Assert.Equal("2", await EngineIOTestClient.ReceiveTextAsync(socket));

            Assert.Equal(WebSocketCloseStatus.NormalClosure, await EngineIOTestClient.WaitForCloseAsync(socket, TimeSpan.FromSeconds(2)));
        }
    }

    // close

    [Fact]
    public Task PollingClientForcefullyClosesTheSession() => RetryWhenAPingAnswersFirstAsync(async () =>
    {
        var sid = await Client.OpenPollingAsync();
        await Client.AwaitPingAndPongAsync(sid);

        var poll = Client.PollAsync(sid);
        await Task.Delay(20);
        var (postStatus, _) = await Client.PostAsync(sid, "1");
        using var pollResponse = await poll.WaitAsync(EngineIOTestClient.Timeout);
        var content = await pollResponse.Content.ReadAsStringAsync();
        if (content == "2")
        {
            return false;
        }

        Assert.Equal(HttpStatusCode.OK, postStatus);
        Assert.Equal(HttpStatusCode.OK, pollResponse.StatusCode);
        Assert.Equal("6", content);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);
        return true;
    });

    [Fact]
    public async Task WebSocketClientForcefullyClosesTheSession()
    {
        var (socket, _) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            await EngineIOTestClient.SendTextAsync(socket, "1");

            Assert.NotNull(await EngineIOTestClient.WaitForCloseAsync(socket));
        }
    }

    // upgrade

    [Fact]
    public Task UpgradesFromPollingToWebSocket() => RetryWhenAPingAnswersFirstAsync(async () =>
    {
        var sid = await Client.OpenPollingAsync();
        await Client.AwaitPingAndPongAsync(sid);
        using var socket = await Client.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");

        await EngineIOTestClient.SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await EngineIOTestClient.ReceiveTextAsync(socket));
        var (status, content) = await Client.PollTextAsync(sid);
        if (content == "2")
        {
            return false; // the ping fell due before the probe arrived
        }

        Assert.Equal((HttpStatusCode.OK, "6"), (status, content));
        await EngineIOTestClient.SendTextAsync(socket, "5");
        await EngineIOTestClient.SendTextAsync(socket, "4hello");

        Assert.Equal("4hello", await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));
        return true;
    });

    [Fact]
    public async Task IgnoresPollingRequestsWithTheSameSidAfterTheUpgrade()
    {
        var sid = await Client.OpenPollingAsync();
        using var socket = await UpgradeAsync(sid);

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);

        await EngineIOTestClient.SendTextAsync(socket, "4hello");
        Assert.Equal("4hello", await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));
    }

    [Fact]
    public async Task IgnoresASecondWebSocketWithTheSameSidAfterTheUpgrade()
    {
        var sid = await Client.OpenPollingAsync();
        using var socket = await UpgradeAsync(sid);

        using var second = await Client.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");
        Assert.NotNull(await EngineIOTestClient.WaitForCloseAsync(second));

        await EngineIOTestClient.SendTextAsync(socket, "4hello");
        Assert.Equal("4hello", await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));
    }

    /// <summary>
    /// Runs a scenario that needs a GET to stay parked for a few milliseconds. With a 300 ms ping interval a loaded
    /// machine can let the server's ping answer that GET first; the scenario then reports false and runs again on a
    /// fresh session (at most five times).
    /// </summary>
    internal static async Task RetryWhenAPingAnswersFirstAsync(Func<Task<bool>> scenario)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await scenario())
            {
                return;
            }

            Assert.True(attempt < 5, "A server ping answered the parked GET first in every attempt.");
        }
    }

    /// <summary>Probe, upgrade, and wait until the server carries the session on the WebSocket (an echo came back).</summary>
    private async Task<ClientWebSocket> UpgradeAsync(string sid)
    {
        var socket = await Client.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");
        await EngineIOTestClient.SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await EngineIOTestClient.ReceiveTextAsync(socket));
        await EngineIOTestClient.SendTextAsync(socket, "5");
        await EngineIOTestClient.SendTextAsync(socket, "4upgraded");
        Assert.Equal("4upgraded", await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));
        return socket;
    }
}
