using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TypedSockets.Server.EngineIO;
using TypedSockets.Server.Tests.EngineIO;
using TypedSockets.Server.Tests.SocketIO;

namespace TypedSockets.Server.Tests.Hostile;

/// <summary>
/// Issue 15, defects 1 and 4: a client that never reads cannot grow the server's memory past
/// <see cref="EngineIOOptions.MaxBufferedBytes"/>, and a session that stops answering is reaped at
/// PingInterval + PingTimeout, never later.
/// </summary>
[Collection(EngineIOCollection.Name)]
public class SlowConsumerAndReapingTests
{
    [Fact]
    public async Task AClientThatNeverReadsIsClosedAtTheByteLimitAndItsBuffersAreGivenBack()
    {
        EngineSession? session = null;
        var handler = new RecordingHandler
        {
            // Echo every message back, as a chat handler would: the client below never reads them.
            OnText = static (connection, text) => connection.TrySend(EngineMessage.Text(Encoding.UTF8.GetBytes(text))),
        };
        long overflowsByBytes = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TypedSocketsTelemetry.ServerMeterName && instrument.Name == "typedsockets.server.send_queue.overflows")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "limit" && (string?)tag.Value == "bytes")
                {
                    Interlocked.Add(ref overflowsByBytes, value);
                }
            }
        });
        listener.Start();

        await using var host = await EngineIOTestHost.StartAsync(handler, options =>
        {
            options.PingInterval = TimeSpan.FromSeconds(25);
            options.PingTimeout = TimeSpan.FromSeconds(20);
            options.MaxBufferedBytes = 4 * 1024 * 1024;
        });

        using var socket = new ClientWebSocket();
        socket.Options.SetBuffer(1024, 1024);
        await socket.ConnectAsync(host.Client.WebSocketUrl("EIO=4&transport=websocket"), CancellationToken.None);
        var open = await EngineIOTestClient.ReceiveTextAsync(socket);
        var sid = System.Text.Json.JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString()!;
        session = (EngineSession)await handler.WaitForOpenAsync(sid);

        // From here on the client only writes. 200 x 900 KB is 180 MB: without a byte bound the queue takes it all.
        var payload = Encoding.UTF8.GetBytes("4" + new string('x', 900_000));
        var closed = handler.WaitForCloseAsync(sid);
        try
        {
            for (var i = 0; i < 200 && !closed.IsCompleted; i++)
            {
                using var timeout = new CancellationTokenSource(EngineIOTestClient.Timeout);
                await socket.SendAsync(payload, WebSocketMessageType.Text, true, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The server aborted the socket: expected once it closed the session.
        }

        Assert.Equal(EngineCloseReasons.TransportError, await closed);
        Assert.True(Interlocked.Read(ref overflowsByBytes) >= 1);

        // The queue and the batch stuck in the socket's send are released once the socket is aborted.
        await SocketIOServerTests.WaitUntil(() => session.BufferedBytes == 0, (int)EngineIOTestClient.Timeout.TotalMilliseconds);
    }

    [Fact]
    public async Task AGracefulCloseDoesNotPushBackThePingTimeoutOfASilentPollingSession()
    {
        var time = new FakeTimeProvider();
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, options =>
        {
            options.TimeProvider = time;
            options.PingInterval = TimeSpan.FromSeconds(25);
            options.PingTimeout = TimeSpan.FromSeconds(20);
        });

        // Handshake, then never poll again.
        var sid = await host.Client.OpenPollingAsync();
        var connection = await handler.WaitForOpenAsync(sid);

        // The Socket.IO connect timeout closes gracefully (flush, then close) after 10 s ...
        time.Advance(TimeSpan.FromSeconds(10));
        connection.Close(EngineCloseReasons.ForcedClose);

        // ... which must not move the deadline: ping at 25 s, no pong by 45 s.
        time.Advance(TimeSpan.FromSeconds(35));
        Assert.Equal(EngineCloseReasons.ForcedClose, await handler.WaitForCloseAsync(sid));
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PollTextAsync(sid)).Status);
    }

    [Fact]
    public async Task ASessionPastItsPongDeadlineIsRefusedEvenWhenItsTimerIsLate()
    {
        var time = new LateTimerTimeProvider();
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, options =>
        {
            options.TimeProvider = time;
            options.PingInterval = TimeSpan.FromMilliseconds(300);
            options.PingTimeout = TimeSpan.FromMilliseconds(200);
        });

        var sid = await host.Client.OpenPollingAsync();
        await handler.WaitForOpenAsync(sid);

        // Exactly pingInterval + pingTimeout later, with no timer callback run (a starved thread pool): as the
        // official suite's "closes the session upon ping timeout", the poll must find the session gone.
        time.Advance(TimeSpan.FromMilliseconds(500));
        var (status, content) = await host.Client.PollTextAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Session ID unknown", content);
        Assert.Equal(EngineCloseReasons.PingTimeout, await handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task ASessionBeforeItsDeadlineIsServedWhenItsTimerIsLate()
    {
        var time = new LateTimerTimeProvider();
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, options =>
        {
            options.TimeProvider = time;
            options.PingInterval = TimeSpan.FromMilliseconds(300);
            options.PingTimeout = TimeSpan.FromMilliseconds(200);
        });

        var sid = await host.Client.OpenPollingAsync();
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal((HttpStatusCode.OK, "ok"), await host.Client.PostAsync(sid, "6"));
    }

    [Fact]
    public async Task AWebSocketSessionLivesWhileItAnswersPingsAndIsClosedWhenOneGoesUnanswered()
    {
        var time = new FakeTimeProvider();
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var handler = new RecordingHandler { OnText = (_, text) => seen.Enqueue(text) };
        await using var host = await EngineIOTestHost.StartAsync(handler, options =>
        {
            options.TimeProvider = time;
            options.PingInterval = TimeSpan.FromSeconds(25);
            options.PingTimeout = TimeSpan.FromSeconds(20);
        });
        var (socket, handshake) = await host.Client.OpenWebSocketAsync();
        var sid = handshake.GetProperty("sid").GetString()!;
        using (socket)
        {
            await handler.WaitForOpenAsync(sid);

            // First ping, answered; a message after the pong proves the server has read the pong.
            time.Advance(TimeSpan.FromSeconds(25));
            Assert.Equal("2", await EngineIOTestClient.ReceiveTextAsync(socket));
            await EngineIOTestClient.SendTextAsync(socket, "3");
            await EngineIOTestClient.SendTextAsync(socket, "4after-pong");
            await Eventually.TrueAsync(() => seen.Contains("after-pong"), "the message after the pong is read");

            // Second ping, unanswered: the session lives until PingTimeout is over, not a tick longer.
            time.Advance(TimeSpan.FromSeconds(25));
            Assert.Equal("2", await EngineIOTestClient.ReceiveTextAsync(socket));
            time.Advance(TimeSpan.FromSeconds(19));
            Assert.Equal(0, handler.CloseCalls(sid));
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(EngineCloseReasons.PingTimeout, await handler.WaitForCloseAsync(sid));
        }
    }

    /// <summary>A fake clock whose timers never fire: every timer callback is "late".</summary>
    private sealed class LateTimerTimeProvider : FakeTimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

        private sealed class NeverTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
