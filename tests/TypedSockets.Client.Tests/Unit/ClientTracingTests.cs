using System.Collections.Concurrent;
using System.Diagnostics;
using TypedSockets.Client.Tests.Infrastructure;

namespace TypedSockets.Client.Tests.Unit;

/// <summary>The <c>socketio.emit_with_ack</c> spans of the <c>TypedSockets.Client</c> activity source, against our server.</summary>
public sealed class ClientTracingTests : IDisposable
{
    private const string TestSourceName = "TypedSockets.Client.Tests.Tracing";
    private static readonly ActivitySource TestSource = new(TestSourceName);
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public ClientTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TypedSocketsTelemetry.ClientActivitySourceName || s.Name == TestSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task AnAckRoundTripIsAClientSpanUnderTheCallersSpan()
    {
        await using var server = await DotnetScenarioServer.StartAsync(new ScenarioServerConfig());
        await using var manager = new SocketIOManager(server.Uri, new SocketIOClientOptions { Transports = SocketIOTransports.WebSocket });
        var socket = manager.Socket();
        await socket.ConnectAsync().WithTimeout();

        using var parent = TestSource.StartActivity("caller");
        Assert.NotNull(parent);
        var reply = await socket.EmitWithAckAsync("ack", 7).WithTimeout();
        Assert.Equal(7, reply.Get<int>(0));
        Assert.Same(parent, Activity.Current); // the span did not stay current in the caller's context

        var span = await WaitForAsync(a => a.OperationName == "socketio.emit_with_ack" && a.ParentSpanId == parent.SpanId);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(parent.TraceId, span.TraceId);
        Assert.Equal("ack", span.GetTagItem("socketio.event"));
        Assert.Equal("ack", span.GetTagItem("rpc.method"));
        Assert.Equal("socket.io", span.GetTagItem("rpc.system"));
        Assert.Equal("/", span.GetTagItem("socketio.namespace"));
        Assert.Equal(socket.Id, span.GetTagItem("socketio.socket.id"));
        Assert.Equal("ok", span.GetTagItem("socketio.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task AnAckThatTimesOutEndsItsSpanWithAnError()
    {
        await using var server = await DotnetScenarioServer.StartAsync(new ScenarioServerConfig());
        await using var manager = new SocketIOManager(server.Uri, new SocketIOClientOptions { Transports = SocketIOTransports.WebSocket });
        var socket = manager.Socket();
        await socket.ConnectAsync().WithTimeout();

        using var parent = TestSource.StartActivity("caller");
        await Assert.ThrowsAsync<SocketIOAckTimeoutException>(
            () => socket.EmitWithAckAsync("sink", [], TimeSpan.FromMilliseconds(100)).WithTimeout());

        var span = await WaitForAsync(a => a.OperationName == "socketio.emit_with_ack" && a.ParentSpanId == parent!.SpanId);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(SocketIOAckTimeoutException).FullName, span.GetTagItem("error.type"));
        Assert.Equal("timeout", span.GetTagItem("socketio.outcome"));
        Assert.Contains(span.Events, e => e.Name == "exception");
    }

    private async Task<Activity> WaitForAsync(Func<Activity, bool> match)
    {
        Activity? found = null;
        await TestWait.UntilAsync(() => (found = _stopped.FirstOrDefault(match)) is not null, "the span stopped");
        return found!;
    }
}
