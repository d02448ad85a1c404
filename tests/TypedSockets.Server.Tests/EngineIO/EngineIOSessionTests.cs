using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server.Tests.EngineIO;

/// <summary>The contract with the layer above: close semantics, reasons, bounded queue, volatile and atomic sends, the cloned HttpContext.</summary>
[Collection(EngineIOCollection.Name)]
public class EngineIOSessionTests
{
    private static void QuietHeartbeat(EngineIOOptions options)
    {
        options.PingInterval = TimeSpan.FromSeconds(25);
        options.PingTimeout = TimeSpan.FromSeconds(20);
    }

    private static void ShortHeartbeat(EngineIOOptions options)
    {
        options.PingInterval = TimeSpan.FromMilliseconds(300);
        options.PingTimeout = TimeSpan.FromMilliseconds(200);
    }

    private static EngineMessage Text(string text) => EngineMessage.Text(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task CloseOnPollingFlushesQueuedMessagesThenSendsTheClosePacket()
    {
        var handler = new RecordingHandler { OnText = CloseAfterReply };
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        var sid = await host.Client.OpenPollingAsync();

        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync(sid, "4close-me")).Status);

        // As the reference: the buffer drains first, the close packet comes alone on the next GET.
        Assert.Equal((HttpStatusCode.OK, "4x\u001e4y"), await host.Client.PollTextAsync(sid));
        Assert.Equal((HttpStatusCode.OK, "1"), await host.Client.PollTextAsync(sid));
        Assert.Equal("custom reason", await handler.WaitForCloseAsync(sid));
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PollTextAsync(sid)).Status);
    }

    [Fact]
    public async Task CloseOnWebSocketFlushesQueuedMessagesThenClosesTheSocket()
    {
        var handler = new RecordingHandler { OnText = CloseAfterReply };
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        var (socket, handshake) = await host.Client.OpenWebSocketAsync();
        using (socket)
        {
            await EngineIOTestClient.SendTextAsync(socket, "4close-me");

            Assert.Equal("4x", await EngineIOTestClient.ReceiveTextAsync(socket));
            Assert.Equal("4y", await EngineIOTestClient.ReceiveTextAsync(socket));
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await EngineIOTestClient.WaitForCloseAsync(socket));
            Assert.Equal("custom reason", await handler.WaitForCloseAsync(handshake.GetProperty("sid").GetString()!));
        }
    }

    [Theory]
    [InlineData("ping timeout", "ping timeout")]
    [InlineData("client close packet", "transport close")]
    [InlineData("malformed packet", "parse error")]
    [InlineData("client ping", "transport error")]
    [InlineData("socket closed by the client", "transport close")]
    public async Task OnCloseIsCalledExactlyOnceWithTheReason(string scenario, string reason)
    {
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, ShortHeartbeat);
        var (socket, handshake) = await host.Client.OpenWebSocketAsync();
        var sid = handshake.GetProperty("sid").GetString()!;
        using (socket)
        {
            switch (scenario)
            {
                case "client close packet": await EngineIOTestClient.SendTextAsync(socket, "1"); break;
                case "malformed packet": await EngineIOTestClient.SendTextAsync(socket, "x"); break;
                case "client ping": await EngineIOTestClient.SendTextAsync(socket, "2"); break;
                case "socket closed by the client": await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); break;
            }

            Assert.Equal(reason, await handler.WaitForCloseAsync(sid));
            await Task.Delay(100);
            Assert.Equal(1, handler.CloseCalls(sid));
            // Removed from the server: its sid is now unknown (code 1), not a transport mismatch (code 3).
            using var response = await host.Client.Http.GetAsync(host.Client.PollingUrl(sid));
            Assert.Equal("{\"code\":1,\"message\":\"Session ID unknown\"}", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task InvalidUtf8TextInAPollingPayloadClosesWithParseError()
    {
        var received = new List<string>();
        var handler = new RecordingHandler { OnText = (_, text) => received.Add(text) };
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        var sid = await host.Client.OpenPollingAsync();

        // 42["\xff"]: a WebSocket text frame this could not be (the WebSocket layer refuses invalid UTF-8).
        using var body = new ByteArrayContent([(byte)'4', (byte)'2', (byte)'[', (byte)'"', 0xFF, (byte)'"', (byte)']']);
        using var response = await host.Client.Http.PostAsync(host.Client.PollingUrl(sid), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("parse error", await handler.WaitForCloseAsync(sid));
        Assert.Empty(received);
    }

    [Fact]
    public async Task AParkedGetAbortedByTheClientClosesWithTransportError()
    {
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        var sid = await host.Client.OpenPollingAsync();
        using var cts = new CancellationTokenSource();
        var parked = host.Client.PollAsync(sid, cts.Token);
        await Task.Delay(100);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parked);
        Assert.Equal("transport error", await handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task SendingPastMaxBufferedMessagesClosesWithTransportError()
    {
        var results = new List<bool>();
        var handler = new RecordingHandler
        {
            OnText = (connection, _) =>
            {
                for (var i = 0; i < 5; i++)
                {
                    results.Add(connection.TrySend(Text("m" + i)));
                }
            },
        };
        await using var host = await EngineIOTestHost.StartAsync(handler, o =>
        {
            QuietHeartbeat(o);
            o.MaxBufferedMessages = 3;
        });
        var sid = await host.Client.OpenPollingAsync();

        await host.Client.PostAsync(sid, "4flood");

        Assert.Equal("transport error", await handler.WaitForCloseAsync(sid));
        Assert.Equal([true, true, true, false, false], results);
    }

    [Fact]
    public async Task VolatileMessagesAreDroppedUnlessAGetIsParked()
    {
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        var sid = await host.Client.OpenPollingAsync();
        var connection = await handler.WaitForOpenAsync(sid);

        Assert.False(connection.IsWritable);
        Assert.False(connection.TrySend(Text("dropped"), isVolatile: true));

        var poll = host.Client.PollAsync(sid);
        await Eventually.TrueAsync(() => connection.IsWritable, "the connection is writable again");
        Assert.True(connection.TrySend(Text("kept"), isVolatile: true));

        using var response = await poll.WaitAsync(EngineIOTestClient.Timeout);
        Assert.Equal("4kept", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MessagesSentWhileTheClientDoesNotReadArriveInOrderOnceItReads()
    {
        // 200 messages of 64 KiB fill Kestrel's output pipe: the sender's inline write has to wait, hands over to the
        // writer loop, and every message still arrives once, in order.
        const int Count = 200, Size = 64 * 1024;
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, o =>
        {
            QuietHeartbeat(o);
            o.MaxBufferedMessages = 1000;
        });
        var (socket, _) = await host.Client.OpenWebSocketAsync();
        using (socket)
        {
            var connection = await handler.FirstOpened.WaitAsync(EngineIOTestClient.Timeout);
            await Task.Run(() =>
            {
                for (var i = 0; i < Count; i++)
                {
                    Assert.True(connection.TrySend(Text($"{i:D4}" + new string('x', Size))));
                }
            });

            for (var i = 0; i < Count; i++)
            {
                var text = await EngineIOTestClient.ReceiveTextAsync(socket);
                Assert.Equal($"4{i:D4}", text[..5]);
                Assert.Equal(Size + 5, text.Length);
            }

            Assert.True(connection.IsOpen);
        }
    }

    [Fact]
    public async Task SendingSeveralMessagesAtOnceIsAtomicUnderConcurrentSenders()
    {
        const int Threads = 4, Batches = 100;
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        var (socket, _) = await host.Client.OpenWebSocketAsync();
        using (socket)
        {
            var connection = await handler.FirstOpened.WaitAsync(EngineIOTestClient.Timeout);
            var senders = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
            {
                for (var b = 0; b < Batches; b++)
                {
                    EngineMessage[] batch = [Text($"{t}-{b}-header"), EngineMessage.Binary(new byte[] { (byte)t, (byte)b }), Text($"{t}-{b}-tail")];
                    Assert.True(connection.TrySend(batch));
                }
            })).ToArray();
            await Task.WhenAll(senders);

            for (var i = 0; i < Threads * Batches; i++)
            {
                var header = await EngineIOTestClient.ReceiveTextAsync(socket);
                var (type, attachment) = await EngineIOTestClient.ReceiveAsync(socket);
                var tail = await EngineIOTestClient.ReceiveTextAsync(socket);
                var parts = header[1..].Split('-');
                Assert.Equal(WebSocketMessageType.Binary, type);
                Assert.Equal(new[] { byte.Parse(parts[0]), byte.Parse(parts[1]) }, attachment);
                Assert.Equal($"4{parts[0]}-{parts[1]}-tail", tail);
            }
        }
    }

    [Fact]
    public async Task ClosedFiresOnCloseAndIsAlreadyCancelledWhenFirstAskedForAfterTheClose()
    {
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        var (early, earlyHandshake) = await host.Client.OpenWebSocketAsync();
        var (late, lateHandshake) = await host.Client.OpenWebSocketAsync();
        using (early)
        using (late)
        {
            var earlySid = earlyHandshake.GetProperty("sid").GetString()!;
            var lateSid = lateHandshake.GetProperty("sid").GetString()!;
            var earlyConnection = await handler.WaitForOpenAsync(earlySid);
            var lateConnection = await handler.WaitForOpenAsync(lateSid);
            var token = earlyConnection.Closed;
            Assert.False(token.IsCancellationRequested);

            await EngineIOTestClient.SendTextAsync(early, "1");
            await EngineIOTestClient.SendTextAsync(late, "1");
            Assert.Equal("transport close", await handler.WaitForCloseAsync(earlySid));
            Assert.Equal("transport close", await handler.WaitForCloseAsync(lateSid));

            Assert.True(token.IsCancellationRequested);
            Assert.True(lateConnection.Closed.IsCancellationRequested);
            Assert.Equal(lateConnection.Closed, lateConnection.Closed);
        }
    }

    [Fact]
    public async Task HttpContextIsAStableCopyOfTheHandshakeRequest()
    {
        var handler = new RecordingHandler
        {
            OnText = (connection, _) =>
            {
                var context = connection.HttpContext;
                var services = context.RequestServices.GetService<ILoggerFactory>() is not null;
                connection.TrySend(Text(string.Join('|',
                    context.Request.Path,
                    context.Request.Query["custom"],
                    context.Request.Headers["X-Custom"],
                    context.Connection.RemoteIpAddress,
                    services)));
            },
        };
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/engine.io/?EIO=4&transport=polling&custom=42");
        request.Headers.Add("X-Custom", "from the handshake");
        using var handshake = await host.Client.Http.SendAsync(request);
        var sid = System.Text.Json.JsonDocument.Parse((await handshake.Content.ReadAsStringAsync())[1..]).RootElement.GetProperty("sid").GetString()!;

        // A later request without the header: the session still sees the handshake's.
        await host.Client.PostAsync(sid, "4what do you see?");

        Assert.Equal((HttpStatusCode.OK, "4/engine.io/|42|from the handshake|127.0.0.1|True"), await host.Client.PollTextAsync(sid));
    }

    [Fact]
    public async Task HttpContextFirstAskedForAfterTheSessionClosedStillHoldsTheHandshake()
    {
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Custom", "from the upgrade");
        using (var timeout = new CancellationTokenSource(EngineIOTestClient.Timeout))
        {
            await socket.ConnectAsync(host.Client.WebSocketUrl("EIO=4&transport=websocket&custom=7"), timeout.Token);
        }

        var open = await EngineIOTestClient.ReceiveTextAsync(socket);
        var sid = System.Text.Json.JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString()!;
        var connection = await handler.WaitForOpenAsync(sid);
        Assert.Null(((EngineSession)connection).HttpContextIfCreated);

        await EngineIOTestClient.SendTextAsync(socket, "1");
        await handler.WaitForCloseAsync(sid);

        var context = connection.HttpContext;
        Assert.Same(context, connection.HttpContext);
        Assert.Equal("GET", context.Request.Method);
        Assert.Equal("/engine.io/", context.Request.Path.Value);
        Assert.Equal("7", context.Request.Query["custom"]);
        Assert.Equal("from the upgrade", context.Request.Headers["X-Custom"]);
        Assert.Equal("websocket", context.Request.Headers.Upgrade.ToString(), ignoreCase: true);
        Assert.Equal(IPAddress.Loopback, context.Connection.RemoteIpAddress);
        Assert.False(string.IsNullOrEmpty(context.Connection.Id));
        Assert.False(string.IsNullOrEmpty(context.TraceIdentifier));
        Assert.NotNull(context.User);
        Assert.False(context.User.Identity?.IsAuthenticated ?? false);
        Assert.NotNull(context.Request.RouteValues);

        // The session's scope is gone with the session, as before.
        Assert.Throws<ObjectDisposedException>(() => context.RequestServices.GetService<ILoggerFactory>());
    }

    [Fact]
    public async Task AllowRequestDenialAnswers403WithCode4AndTheMessage()
    {
        var calls = 0;
        await using var host = await EngineIOTestHost.StartAsync(new RecordingHandler(), o =>
        {
            QuietHeartbeat(o);
            o.AllowRequest = context =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult(context.Request.Headers.ContainsKey("X-Allow")
                    ? EngineRequestVerdict.Allow()
                    : context.Request.Query.ContainsKey("plain") ? EngineRequestVerdict.Deny() : EngineRequestVerdict.Deny("Not today"));
            };
        });

        using var denied = await host.Client.Http.GetAsync("/engine.io/?EIO=4&transport=polling");
        using var deniedPlain = await host.Client.Http.GetAsync("/engine.io/?EIO=4&transport=polling&plain=1");

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("{\"code\":4,\"message\":\"Not today\"}", await denied.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, deniedPlain.StatusCode);
        Assert.Equal("{\"code\":4,\"message\":\"Forbidden\"}", await deniedPlain.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, await host.Client.ConnectWebSocketExpectingRefusalAsync("EIO=4&transport=websocket"));

        // Consulted on handshakes only: the session's later requests need no permission.
        host.Client.Http.DefaultRequestHeaders.Add("X-Allow", "yes");
        var sid = await host.Client.OpenPollingAsync();
        host.Client.Http.DefaultRequestHeaders.Remove("X-Allow");
        var before = Volatile.Read(ref calls);
        Assert.Equal((HttpStatusCode.OK, "ok"), await host.Client.PostAsync(sid, "3"));
        Assert.Equal(before, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task CookieOptionSetsTheIoCookieOnTheHandshake()
    {
        await using var host = await EngineIOTestHost.StartAsync(new RecordingHandler(), o =>
        {
            QuietHeartbeat(o);
            o.Cookie = new EngineCookieOptions();
        });

        using var response = await host.Client.Http.GetAsync("/engine.io/?EIO=4&transport=polling");
        var sid = System.Text.Json.JsonDocument.Parse((await response.Content.ReadAsStringAsync())[1..]).RootElement.GetProperty("sid").GetString();

        Assert.Equal($"io={sid}; path=/; samesite=lax; httponly", Assert.Single(response.Headers.GetValues("Set-Cookie")));
    }

    [Fact]
    public async Task UpgradeThatTimesOutClosesTheWebSocketAndKeepsPolling()
    {
        var handler = new RecordingHandler { OnText = (c, text) => c.TrySend(Text(text)) };
        await using var host = await EngineIOTestHost.StartAsync(handler, o =>
        {
            QuietHeartbeat(o);
            o.UpgradeTimeout = TimeSpan.FromMilliseconds(300);
        });
        var sid = await host.Client.OpenPollingAsync();
        using var socket = await host.Client.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");
        await EngineIOTestClient.SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await EngineIOTestClient.ReceiveTextAsync(socket));

        await EngineIOTestClient.WaitForCloseAsync(socket, TimeSpan.FromSeconds(3));

        Assert.NotEqual(WebSocketState.Open, socket.State);
        Assert.Equal((HttpStatusCode.OK, "ok"), await host.Client.PostAsync(sid, "4still polling"));
        Assert.Equal((HttpStatusCode.OK, "4still polling"), await host.Client.PollTextAsync(sid));
    }

    [Fact]
    public async Task DisabledUpgradesAreNotAnnouncedAndRefused()
    {
        await using var host = await EngineIOTestHost.StartAsync(new RecordingHandler(), o =>
        {
            QuietHeartbeat(o);
            o.AllowUpgrades = false;
        });

        var handshake = await host.Client.OpenPollingHandshakeAsync();
        Assert.Empty(handshake.GetProperty("upgrades").EnumerateArray());
        using var socket = await host.Client.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={handshake.GetProperty("sid").GetString()}");

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await EngineIOTestClient.WaitForCloseAsync(socket));
    }

    [Fact]
    public async Task DisabledTransportIsUnknown()
    {
        await using var host = await EngineIOTestHost.StartAsync(new RecordingHandler(), o =>
        {
            QuietHeartbeat(o);
            o.Transports = EngineTransports.Polling;
        });

        Assert.Equal(HttpStatusCode.BadRequest, await host.Client.ConnectWebSocketExpectingRefusalAsync("EIO=4&transport=websocket"));
        Assert.Empty((await host.Client.OpenPollingHandshakeAsync()).GetProperty("upgrades").EnumerateArray());
    }

    [Fact]
    public async Task ShutdownClosesEverySessionAndAnswersParkedGetsWithTheClosePacket()
    {
        var handler = new RecordingHandler();
        var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        try
        {
            var sid = await host.Client.OpenPollingAsync();
            var idleSid = await host.Client.OpenPollingAsync();
            var (socket, handshake) = await host.Client.OpenWebSocketAsync();
            var connection = await handler.WaitForOpenAsync(sid);
            var poll = host.Client.PollAsync(sid);
            await Eventually.TrueAsync(() => connection.IsWritable, "the connection is writable again");
            var socketClosed = EngineIOTestClient.WaitForCloseAsync(socket);

            await host.App.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

            using var response = await poll.WaitAsync(EngineIOTestClient.Timeout);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("1", await response.Content.ReadAsStringAsync());
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await socketClosed);
            Assert.Equal("server shutting down", await handler.WaitForCloseAsync(sid));
            Assert.Equal("server shutting down", await handler.WaitForCloseAsync(idleSid));
            Assert.Equal("server shutting down", await handler.WaitForCloseAsync(handshake.GetProperty("sid").GetString()!));
            socket.Dispose();
        }
        finally
        {
            host.Client.Dispose();
            await host.App.DisposeAsync();
        }
    }

    [Fact]
    public async Task MetricsCountSessionsPacketsAndBytesByTransport()
    {
        var measurements = new System.Collections.Concurrent.ConcurrentBag<(string Name, long Value, string? Transport)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TypedSocketsTelemetry.ServerMeterName && instrument.Name.StartsWith("typedsockets.server.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? transport = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "engineio.transport")
                {
                    transport = tag.Value as string;
                }
            }

            measurements.Add((instrument.Name, value, transport));
        });
        listener.Start();

        var handler = new RecordingHandler { OnText = (c, text) => c.TrySend(Text(text)) };
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        var sid = await host.Client.OpenPollingAsync();
        await host.Client.PostAsync(sid, "4abc");
        Assert.Equal((HttpStatusCode.OK, "4abc"), await host.Client.PollTextAsync(sid));

        Assert.Contains(measurements, m => m is ("typedsockets.server.connections", 1, null));
        Assert.Contains(measurements, m => m is ("typedsockets.server.packets.received", 1, "polling"));
        Assert.Contains(measurements, m => m is ("typedsockets.server.bytes.received", 4, "polling"));
        Assert.Contains(measurements, m => m is ("typedsockets.server.packets.sent", 1, "polling"));
        Assert.Contains(measurements, m => m is ("typedsockets.server.bytes.sent", 4, "polling"));
    }

    private static void CloseAfterReply(EngineConnection connection, string text)
    {
        if (text == "close-me")
        {
            Assert.True(connection.TrySend([Text("x"), Text("y")]));
            connection.Close("custom reason");
            Assert.False(connection.IsOpen);
            Assert.False(connection.TrySend(Text("too late")));
        }
    }
}
