using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TypedSockets.Server.EngineIO;
using TypedSockets.Server.Tests.EngineIO;
using TypedSockets.Server.Tests.SocketIO;

namespace TypedSockets.Server.Tests.Metrics;

/// <summary>
/// The instruments of the <c>TypedSockets.Server</c> meter, read per application through its <see cref="IMeterFactory"/>
/// with <see cref="MetricCollector{T}"/>: values, units and tags.
/// </summary>
public sealed class ServerMetricsTests
{
    private const string Meter = TypedSocketsTelemetry.ServerMeterName;

    [Fact]
    public async Task SocketsAndEventsAreCountedPerNamespace()
    {
        await using var host = new SocketIOTestHost();
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var sockets = new MetricCollector<long>(factory, Meter, "typedsockets.server.sockets");
        using var received = new MetricCollector<long>(factory, Meter, "typedsockets.server.events.received");
        using var sent = new MetricCollector<long>(factory, Meter, "typedsockets.server.events.sent");
        using var duration = new MetricCollector<double>(factory, Meter, "typedsockets.server.event.duration");
        host.Server.Of("/chat").OnConnection(s => s.On("say", e => s.Emit("said", e.GetArgument<string>(0))));
        host.Server.OnConnection(s => s.On("ping", e => e.Ack("pong")));

        var (chat, _) = await host.JoinAsync("/chat");
        var (main, _) = await host.JoinAsync();
        chat.Receive("2/chat,[\"say\",\"a\"]");
        Assert.Equal("2/chat,[\"said\",\"a\"]", await chat.NextAsync());
        chat.Receive("2/chat,[\"say\",\"b\"]");
        Assert.Equal("2/chat,[\"said\",\"b\"]", await chat.NextAsync());
        main.Receive("21[\"ping\"]");
        Assert.Equal("31[\"pong\"]", await main.NextAsync());

        Assert.Equal(1, Sum(sockets, "/chat"));
        Assert.Equal(1, Sum(sockets, "/"));
        Assert.Equal(2, Sum(received, "/chat"));
        Assert.Equal(1, Sum(received, "/"));
        Assert.Equal(2, Sum(sent, "/chat"));
        Assert.Equal(0, Sum(sent, "/")); // an ack is not an event
        Assert.Equal(2, duration.GetMeasurementSnapshot().Count(m => Namespace(m) == "/chat" && m.Value >= 0));
        Assert.Equal("s", duration.Instrument!.Unit);
        Assert.Equal("{event}", received.Instrument!.Unit);

        chat.Close();
        await SocketIOServerTests.WaitUntil(() => Sum(sockets, "/chat") == 0);
        Assert.Equal(1, Sum(sockets, "/"));
    }

    [Fact]
    public async Task BroadcastsCountOneSentEventPerRecipient()
    {
        await using var host = new SocketIOTestHost();
        using var sent = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), Meter, "typedsockets.server.events.sent");
        var (a, _) = await host.JoinAsync();
        var (b, _) = await host.JoinAsync();
        var (c, _) = await host.JoinAsync();

        await host.Server.EmitAsync("news", 1);
        foreach (var connection in new[] { a, b, c })
        {
            Assert.Equal("2[\"news\",1]", await connection.NextAsync());
        }

        Assert.Equal(3, Sum(sent, "/"));
    }

    [Fact]
    public async Task AckTimeoutsAreCounted()
    {
        await using var host = new SocketIOTestHost();
        using var timeouts = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), Meter, "typedsockets.server.ack.timeouts");
        var socketReady = new TaskCompletionSource<SocketIOSocket>();
        host.Server.OnConnection(s => socketReady.SetResult(s));
        var (connection, _) = await host.JoinAsync();
        var socket = await socketReady.Task;

        // The client never answers.
        await Assert.ThrowsAsync<SocketAckTimeoutException>(() => socket.EmitWithAckAsync("q", [], TimeSpan.FromMilliseconds(50)));
        Assert.Equal("20[\"q\"]", await connection.NextAsync());

        Assert.Equal(1, Sum(timeouts, "/"));
        Assert.Equal("{ack}", timeouts.Instrument!.Unit);
    }

    [Fact]
    public async Task HandlerFailuresAreCountedByReasonAndTheirDurationIsRecorded()
    {
        await using var host = new SocketIOTestHost();
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var failed = new MetricCollector<long>(factory, Meter, "typedsockets.server.events.failed");
        using var duration = new MetricCollector<double>(factory, Meter, "typedsockets.server.event.duration");
        host.Server.OnConnection(s =>
        {
            s.On("boom", _ => throw new InvalidOperationException("boom"));
            s.On("refuse", _ => throw new SocketInvocationException("no", "nope"));
            s.On("later", async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("later");
            });
        });
        var (connection, _) = await host.JoinAsync();

        connection.Receive("2[\"boom\"]");
        connection.Receive("2[\"refuse\"]");
        connection.Receive("2[\"later\"]");
        await SocketIOServerTests.WaitUntil(() => failed.GetMeasurementSnapshot().Count == 3);

        var reasons = failed.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["error", "error", "refused"], reasons);
        Assert.All(failed.GetMeasurementSnapshot(), m => Assert.Equal("/", m.Tags[SocketIOMetrics.NamespaceTag]));
        Assert.Contains(failed.GetMeasurementSnapshot(), m => (string?)m.Tags["error.type"] == typeof(SocketInvocationException).FullName);
        Assert.Equal(2, failed.GetMeasurementSnapshot().Count(m => (string?)m.Tags["error.type"] == typeof(InvalidOperationException).FullName));
        await SocketIOServerTests.WaitUntil(() => duration.GetMeasurementSnapshot().Count == 3);
    }

    [Fact]
    public async Task TwoApplicationsInOneProcessHaveSeparateMeters()
    {
        await using var first = new SocketIOTestHost();
        await using var second = new SocketIOTestHost();
        using var firstEvents = new MetricCollector<long>(first.Services.GetRequiredService<IMeterFactory>(), Meter, "typedsockets.server.events.received");
        using var secondEvents = new MetricCollector<long>(second.Services.GetRequiredService<IMeterFactory>(), Meter, "typedsockets.server.events.received");
        first.Server.OnConnection(s => s.On("x", e => e.Ack()));
        var (connection, _) = await first.JoinAsync();

        connection.Receive("21[\"x\"]");
        Assert.Equal("31[]", await connection.NextAsync());

        Assert.Equal(1, Sum(firstEvents, "/"));
        Assert.Empty(secondEvents.GetMeasurementSnapshot());
        Assert.NotSame(first.Server.Metrics, second.Server.Metrics);
    }

    [Fact]
    public async Task EngineConnectionsBytesAndDurationAreRecordedByTransport()
    {
        var handler = new RecordingHandler { OnText = (c, text) => c.TrySend(EngineMessage.Text(System.Text.Encoding.UTF8.GetBytes(text))) };
        await using var host = await EngineIOTestHost.StartAsync(handler, o =>
        {
            o.PingInterval = TimeSpan.FromSeconds(25);
            o.PingTimeout = TimeSpan.FromSeconds(20);
        });
        var factory = host.App.Services.GetRequiredService<IMeterFactory>();
        using var connections = new MetricCollector<long>(factory, Meter, "typedsockets.server.connections");
        using var opened = new MetricCollector<long>(factory, Meter, "typedsockets.server.connections.opened");
        using var bytesReceived = new MetricCollector<long>(factory, Meter, "typedsockets.server.bytes.received");
        using var bytesSent = new MetricCollector<long>(factory, Meter, "typedsockets.server.bytes.sent");
        using var packetsReceived = new MetricCollector<long>(factory, Meter, "typedsockets.server.packets.received");
        using var duration = new MetricCollector<double>(factory, Meter, "typedsockets.server.connection.duration");
        using var queue = new MetricCollector<long>(factory, Meter, "typedsockets.server.send_queue.length");

        var sid = await host.Client.OpenPollingAsync();
        await host.Client.PostAsync(sid, "4abc");
        Assert.Equal((HttpStatusCode.OK, "4abc"), await host.Client.PollTextAsync(sid));

        Assert.Equal(1, connections.GetMeasurementSnapshot().EvaluateAsCounter());
        var open = Assert.Single(opened.GetMeasurementSnapshot());
        Assert.Equal(EngineTransportNames.Polling, open.Tags[EngineIOMetrics.TransportTag]);
        Assert.Equal(4, bytesReceived.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, packetsReceived.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Contains(bytesSent.GetMeasurementSnapshot(), m => m.Value == 4 && (string?)m.Tags[EngineIOMetrics.TransportTag] == EngineTransportNames.Polling);
        Assert.Equal("By", bytesReceived.Instrument!.Unit);

        // Nothing waits to be written: the poll took it.
        queue.RecordObservableInstruments();
        Assert.Equal(0, queue.LastMeasurement!.Value);

        await host.Client.PostAsync(sid, "1");
        await SocketIOServerTests.WaitUntil(() => connections.GetMeasurementSnapshot().EvaluateAsCounter() == 0);
        await SocketIOServerTests.WaitUntil(() => duration.GetMeasurementSnapshot().Count == 1);
        var closed = duration.LastMeasurement!;
        Assert.True(closed.Value >= 0);
        Assert.Equal(EngineTransportNames.Polling, closed.Tags[EngineIOMetrics.TransportTag]);
    }

    [Fact]
    public async Task QueuedPacketsShowInTheSendQueueLength()
    {
        var handler = new RecordingHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, o =>
        {
            o.PingInterval = TimeSpan.FromSeconds(25);
            o.PingTimeout = TimeSpan.FromSeconds(20);
        });
        using var queue = new MetricCollector<long>(host.App.Services.GetRequiredService<IMeterFactory>(), Meter, "typedsockets.server.send_queue.length");
        var sid = await host.Client.OpenPollingAsync();
        var connection = await handler.FirstOpened;

        // Three messages wait for the client's next GET.
        Assert.True(connection.TrySend([EngineMessage.Text("a"u8.ToArray()), EngineMessage.Text("b"u8.ToArray()), EngineMessage.Text("c"u8.ToArray())]));
        queue.RecordObservableInstruments();
        Assert.Equal(3, queue.LastMeasurement!.Value);

        var (status, body) = await host.Client.PollTextAsync(sid);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("4a\u001e4b\u001e4c", body);
        queue.RecordObservableInstruments();
        Assert.Equal(0, queue.LastMeasurement!.Value);
    }

    [Fact]
    public async Task ServersOfOneApplicationShareItsInstrumentsAndAServerWithoutAMeterFactoryUsesTheProcessWideMeter()
    {
        await using var first = new SocketIOTestHost();
        var factory = first.Services.GetRequiredService<IMeterFactory>();
        var second = new SocketIOServer("/other", new SocketIOServerOptions(), first.Services);
        Assert.Same(first.Server.Metrics, second.Metrics);
        Assert.Same(SocketIOMetrics.For(factory), second.Metrics);

        var byHand = new EngineIOServer(new EngineIOOptions(), new RecordingHandler(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.Same(EngineIOMetrics.For(null), byHand.Metrics);
        Assert.NotSame(EngineIOMetrics.For(factory), byHand.Metrics);
        using var refused = new MetricCollector<long>(meterScope: null, Meter, "typedsockets.server.origins.refused");
        byHand.Metrics.OriginRefused();
        Assert.True(refused.GetMeasurementSnapshot().EvaluateAsCounter() >= 1); // process-wide: other tests may add to it
    }

    private static long Sum(MetricCollector<long> collector, string nsp) =>
        collector.GetMeasurementSnapshot().Where(m => Namespace(m) == nsp).Sum(m => m.Value);

    private static string? Namespace<T>(CollectedMeasurement<T> measurement)
        where T : struct =>
        measurement.Tags.TryGetValue(SocketIOMetrics.NamespaceTag, out var value) ? value as string : null;
}
