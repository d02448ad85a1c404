using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TypedSockets.Server.Tests.EngineIO;

/// <summary>A raw Engine.IO client over HttpClient and ClientWebSocket, for driving the server byte by byte.</summary>
public sealed class EngineIOTestClient : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public EngineIOTestClient(Uri address, string path = "/engine.io/")
    {
        Address = address;
        Path = path;
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public Uri Address { get; }

    public string Path { get; }

    public HttpClient Http { get; }

    public string PollingUrl(string? sid = null, string? extra = null) =>
        $"{Path}?EIO=4&transport=polling{(sid is null ? "" : "&sid=" + sid)}{extra}";

    public async Task<JsonElement> OpenPollingHandshakeAsync()
    {
        using var response = await Http.GetAsync(PollingUrl());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var content = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("0", content);
        return JsonDocument.Parse(content[1..]).RootElement.Clone();
    }

    public async Task<string> OpenPollingAsync() => (await OpenPollingHandshakeAsync()).GetProperty("sid").GetString()!;

    public Task<HttpResponseMessage> PollAsync(string sid, CancellationToken cancellationToken = default) =>
        Http.GetAsync(PollingUrl(sid), cancellationToken);

    public async Task<(HttpStatusCode Status, string Content)> PollTextAsync(string sid)
    {
        using var response = await PollAsync(sid).WaitAsync(Timeout);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls like a real client: a server ping at the head of the payload is answered with a pong and removed.</summary>
    public async Task<(HttpStatusCode Status, string Content)> PollSkippingPingsAsync(string sid)
    {
        while (true)
        {
            var (status, content) = await PollTextAsync(sid);
            if (status != HttpStatusCode.OK || !content.StartsWith('2'))
            {
                return (status, content);
            }

            Assert.Equal(HttpStatusCode.OK, (await PostAsync(sid, "3")).Status);
            if (content.Length > 1)
            {
                Assert.Equal('\u001e', content[1]);
                return (status, content[2..]);
            }
        }
    }

    /// <summary>
    /// Waits for the server's ping and answers it: the session then has a full ping interval before the next one,
    /// so a test's parked GET is not answered by a ping on this short-heartbeat host.
    /// </summary>
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

    public async Task AwaitPingAndPongAsync(string sid)
    {
        Assert.Equal((HttpStatusCode.OK, "2"), await PollTextAsync(sid));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(sid, "3")).Status);
    }

    public async Task<(HttpStatusCode Status, string Content)> PostAsync(string sid, string body, string? contentType = null)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        if (contentType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await Http.PostAsync(PollingUrl(sid), content).WaitAsync(Timeout);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Uri WebSocketUrl(string query) =>
        new UriBuilder(Address) { Scheme = Address.Scheme == "https" ? "wss" : "ws", Path = Path, Query = query }.Uri;

    public async Task<ClientWebSocket> ConnectWebSocketAsync(string query)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(WebSocketUrl(query), timeout.Token);
        return socket;
    }

    /// <summary>Opens a WebSocket session and returns it with its handshake.</summary>
    public async Task<(ClientWebSocket Socket, JsonElement Handshake)> OpenWebSocketAsync()
    {
        var socket = await ConnectWebSocketAsync("EIO=4&transport=websocket");
        var open = await ReceiveTextAsync(socket);
        Assert.StartsWith("0", open);
        return (socket, JsonDocument.Parse(open[1..]).RootElement.Clone());
    }

    /// <summary>Tries to connect and returns the HTTP status of the refusal.</summary>
    public async Task<HttpStatusCode> ConnectWebSocketExpectingRefusalAsync(string query)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(Timeout);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(WebSocketUrl(query), timeout.Token));
        return socket.HttpStatusCode;
    }

    public static Task SendTextAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(WebSocket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, []);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, message.ToArray());
            }
        }
    }

    public static async Task<string> ReceiveTextAsync(WebSocket socket, TimeSpan? timeout = null)
    {
        var (type, data) = await ReceiveAsync(socket, timeout);
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(data);
    }

    /// <summary>Receives text messages, skipping server pings (answered with a pong), until one arrives that is not a ping.</summary>
    public static async Task<string> ReceiveSkippingPingsAsync(WebSocket socket)
    {
        while (true)
        {
            var text = await ReceiveTextAsync(socket);
            if (text != "2")
            {
                return text;
            }

            await SendTextAsync(socket, "3");
        }
    }

    /// <summary>Waits until the server closes the socket (answering its close frame); returns the close status.</summary>
    public static async Task<WebSocketCloseStatus?> WaitForCloseAsync(WebSocket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }

                    return result.CloseStatus;
                }
            }
        }
        catch (WebSocketException) when (!cts.IsCancellationRequested)
        {
            // The server dropped the connection without a close frame: closed all the same.
            return null;
        }
    }

    public void Dispose() => Http.Dispose();
}
