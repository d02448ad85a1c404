using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace TypedSockets.Server.Tests.EngineIO;

/// <summary>Malformed and hostile input: only the offending session closes, and the server keeps serving the others.</summary>
[Collection(EngineIOCollection.Name)]
public class EngineIOBadInputTests(ConformanceHostFixture host) : IClassFixture<ConformanceHostFixture>
{
    private EngineIOTestClient Client => host.Client;

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("4ok\u001e")]
    [InlineData("4ok\u001e9")]
    [InlineData("b!!!!")]
    public async Task MalformedPollingPayloadClosesOnlyThatSession(string payload)
    {
        var victim = await Client.OpenPollingAsync();
        var bystander = await Client.OpenPollingAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsync(victim, payload)).Status);

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(victim)).Status);
        await AssertEchoesOverPollingAsync(bystander);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("b!!!!")]
    public async Task MalformedWebSocketFrameClosesOnlyThatSession(string frame)
    {
        var (victim, _) = await Client.OpenWebSocketAsync();
        var (bystander, _) = await Client.OpenWebSocketAsync();
        using (victim)
        using (bystander)
        {
            await EngineIOTestClient.SendTextAsync(victim, frame);

            Assert.Equal(WebSocketCloseStatus.NormalClosure, await EngineIOTestClient.WaitForCloseAsync(victim));
            await EngineIOTestClient.SendTextAsync(bystander, "4still here");
            Assert.Equal("4still here", await EngineIOTestClient.ReceiveSkippingPingsAsync(bystander));
        }
    }

    [Fact]
    public async Task GetOvertakenByTheClientsClosePostGetsANoopOnceThenTheSidIsUnknown()
    {
        var sid = await Client.OpenPollingAsync();

        Assert.Equal((HttpStatusCode.OK, "ok"), await Client.PostAsync(sid, "1"));

        Assert.Equal((HttpStatusCode.OK, "6"), await Client.PollTextAsync(sid));
        Assert.Equal((HttpStatusCode.BadRequest, "{\"code\":1,\"message\":\"Session ID unknown\"}"), await Client.PollTextAsync(sid));
    }

    [Fact]
    public async Task PingFromTheClientIsAnInvalidHeartbeatDirectionAndClosesTheSession()
    {
        var sid = await Client.OpenPollingAsync();

        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(sid, "2")).Status);

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);
    }

    [Fact]
    public async Task PostOverMaxHttpBufferSizeGets413AndTheSessionStaysUsable()
    {
        var sid = await Client.OpenPollingAsync();

        var (status, _) = await Client.PostAsync(sid, "4" + new string('a', 1_000_000));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        await AssertEchoesOverPollingAsync(sid);
    }

    [Fact]
    public async Task ChunkedPostOverMaxHttpBufferSizeGets413AndTheSessionStaysUsable()
    {
        var sid = await Client.OpenPollingAsync();
        var body = Encoding.UTF8.GetBytes("4" + new string('a', 1_000_000));
        using var content = new StreamContent(new NonSeekableStream(body));

        using var response = await Client.Http.PostAsync(Client.PollingUrl(sid), content);

        Assert.Null(response.RequestMessage!.Content!.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertEchoesOverPollingAsync(sid);
    }

    [Fact]
    public async Task PostOfExactlyMaxHttpBufferSizeIsAccepted()
    {
        var sid = await Client.OpenPollingAsync();
        var payload = "4" + new string('a', 999_999);

        Assert.Equal((HttpStatusCode.OK, "ok"), await Client.PostAsync(sid, payload));

        Assert.Equal((HttpStatusCode.OK, payload), await Client.PollSkippingPingsAsync(sid));
    }

    [Fact]
    public async Task WebSocketMessageOverMaxHttpBufferSizeClosesWith1009()
    {
        var (socket, _) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            await socket.SendAsync(new byte[1_000_001], WebSocketMessageType.Binary, true, CancellationToken.None);

            Assert.Equal(WebSocketCloseStatus.MessageTooBig, await EngineIOTestClient.WaitForCloseAsync(socket));
        }

        await AssertEchoesOverPollingAsync(await Client.OpenPollingAsync());
    }

    [Fact]
    public async Task UnknownSidIsRejectedWithCode1()
    {
        using var get = await Client.Http.GetAsync(Client.PollingUrl("AAAAAAAAAAAAAAAAAAAA"));
        var post = await Client.PostAsync("AAAAAAAAAAAAAAAAAAAA", "4hello");

        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Equal("{\"code\":1,\"message\":\"Session ID unknown\"}", await get.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode.BadRequest, "{\"code\":1,\"message\":\"Session ID unknown\"}"), post);
        Assert.Equal(HttpStatusCode.BadRequest, await Client.ConnectWebSocketExpectingRefusalAsync("EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA"));
    }

    [Fact]
    public async Task WebSocketTransportOnAPlainRequestIsABadRequest()
    {
        var sid = await Client.OpenPollingAsync();

        using var handshake = await Client.Http.GetAsync("/engine.io/?EIO=4&transport=websocket");
        using var mismatch = await Client.Http.GetAsync($"/engine.io/?EIO=4&transport=websocket&sid={sid}");

        Assert.Equal(HttpStatusCode.BadRequest, handshake.StatusCode);
        Assert.Equal("{\"code\":3,\"message\":\"Bad request\"}", await handshake.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Equal("{\"code\":3,\"message\":\"Bad request\"}", await mismatch.Content.ReadAsStringAsync());
        await AssertEchoesOverPollingAsync(sid);
    }

    [Fact]
    public async Task OverlappingPostGets400AndClosesTheSession()
    {
        var sid = await Client.OpenPollingAsync();
        var bystander = await Client.OpenPollingAsync();
        var held = new HeldContent("4first");

        var first = Client.Http.PostAsync(Client.PollingUrl(sid), held);
        await held.Started.WaitAsync(EngineIOTestClient.Timeout);
        await Task.Delay(50);

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsync(sid, "4second")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);

        held.Release();
        (await first.WaitAsync(EngineIOTestClient.Timeout)).Dispose();
        await AssertEchoesOverPollingAsync(bystander);
    }

    [Fact]
    public async Task OctetStreamPostGets400AndClosesOnlyThatSession()
    {
        var sid = await Client.OpenPollingAsync();
        var bystander = await Client.OpenPollingAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsync(sid, "4hello", "application/octet-stream")).Status);

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);
        await AssertEchoesOverPollingAsync(bystander);
    }

    [Fact]
    public Task UpgradeAnswersEveryParkedGetWithANoop() => EngineIOTestClient.RetryWhenAPingAnswersFirstAsync(async () =>
    {
        var sid = await Client.OpenPollingAsync();
        await Client.AwaitPingAndPongAsync(sid);
        using var socket = await Client.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");
        await EngineIOTestClient.SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await EngineIOTestClient.ReceiveTextAsync(socket));

        // No ping during the upgrade: after the one that may have been queued before the probe, only noops.
        var (status, content) = await Client.PollTextAsync(sid);
        if (content == "2")
        {
            return false;
        }

        Assert.Equal((HttpStatusCode.OK, "6"), (status, content));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal((HttpStatusCode.OK, "6"), await Client.PollTextAsync(sid));
        }

        await EngineIOTestClient.SendTextAsync(socket, "5");
        await EngineIOTestClient.SendTextAsync(socket, "4after");
        Assert.Equal("4after", await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));
        return true;
    });

    [Fact]
    public async Task MessagesQueuedDuringTheUpgradeAreFlushedOnTheWebSocket()
    {
        var sid = await Client.OpenPollingAsync();
        using var socket = await Client.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");
        await EngineIOTestClient.SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await EngineIOTestClient.ReceiveTextAsync(socket));

        // No GET is parked: the echo waits in the session's buffer.
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(sid, "4queued")).Status);
        await EngineIOTestClient.SendTextAsync(socket, "5");

        Assert.Equal("4queued", await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));
    }

    [Fact]
    public async Task PacketOtherThanUpgradeDuringTheProbeClosesOnlyThatWebSocket()
    {
        var sid = await Client.OpenPollingAsync();
        using var socket = await Client.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");

        await EngineIOTestClient.SendTextAsync(socket, "4hello");

        Assert.NotNull(await EngineIOTestClient.WaitForCloseAsync(socket));
        await AssertEchoesOverPollingAsync(sid);
    }

    [Theory]
    [InlineData("/engine.io/?EIO=4&transport=polling")]
    [InlineData("/engine.io?EIO=4&transport=polling")]
    [InlineData("/engine.io/anything/below?EIO=4&transport=polling")]
    public async Task ServesThePathAndEverythingBelowIt(string url)
    {
        using var response = await Client.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("0{\"sid\":", await response.Content.ReadAsStringAsync());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task SessionIdsAreTwentyUrlSafeCharactersAndUnique()
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var sid = await Client.OpenPollingAsync();
            Assert.Matches("^[A-Za-z0-9_-]{20}$", sid);
            Assert.True(ids.Add(sid));
        }
    }

    [Fact]
    public async Task CorsPreflightIsAnsweredWith204AndVaryOrigin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/engine.io/?EIO=4&transport=polling");
        request.Headers.Add("Origin", "https://example.com");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        using var response = await Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains("Origin", response.Headers.Vary);
        Assert.Equal("https://example.com", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Credentials")));
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
    }

    [Fact]
    public async Task CorsHeadersAreOnThePollingResponses()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/engine.io/?EIO=4&transport=polling");
        request.Headers.Add("Origin", "https://example.com");

        using var response = await Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://example.com", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    private async Task AssertEchoesOverPollingAsync(string sid)
    {
        Assert.Equal((HttpStatusCode.OK, "ok"), await Client.PostAsync(sid, "4still here"));
        Assert.Equal((HttpStatusCode.OK, "4still here"), await Client.PollSkippingPingsAsync(sid));
    }

    /// <summary>A chunked body: writes its first bytes, then holds the request open until released.</summary>
    private sealed class HeldContent(string first) : HttpContent
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(first));
            await stream.FlushAsync();
            _started.TrySetResult();
            await _release.Task;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    /// <summary>A stream without a known length, so that HttpClient sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
