using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server.Diagnostics;
using TypedSockets.Server.Tests.EngineIO;
using TypedSockets.Server.Tests.SocketIO;

namespace TypedSockets.Server.Tests.Diagnostics;

/// <summary>Listeners are process wide: the tracing tests run alone, so "no listener" means none.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "Tracing (process-wide activity listeners)";
}

/// <summary>The spans of the <c>TypedSockets.Server</c> activity source (docs/observability.md, "Traces").</summary>
[Collection(TracingCollection.Name)]
public sealed class ServerTracingTests
{
    [Fact]
    public async Task HandshakeConnectAndEventSpansDescribeAWebSocketClient()
    {
        using var recorder = new ActivityRecorder(TypedSocketsTelemetry.ServerActivitySourceName);
        await using var app = await StartAsync(io => io.OnConnection(s => s.On("hello", e => e.Ack("hi " + e.GetArgument<string>(0)))));
        using var client = new EngineIOTestClient(Address(app), "/socket.io/");

        var (socket, handshake) = await client.OpenWebSocketAsync();
        var sessionId = handshake.GetProperty("sid").GetString()!;
        await EngineIOTestClient.SendTextAsync(socket, "40");
        var connectReply = await EngineIOTestClient.ReceiveTextAsync(socket);
        var socketId = connectReply[("40{\"sid\":\"".Length)..^2];
        await EngineIOTestClient.SendTextAsync(socket, "421[\"hello\",\"there\"]");
        Assert.Equal("431[\"hi there\"]", await EngineIOTestClient.ReceiveTextAsync(socket));

        var open = await recorder.WaitForAsync(ServerActivities.Handshake, a => Tag(a, "engineio.session.id") == sessionId);
        Assert.Equal(ActivityKind.Internal, open.Kind);
        Assert.Equal("websocket", Tag(open, "engineio.transport"));

        var connect = await recorder.WaitForAsync(ServerActivities.Connect, a => Tag(a, "engineio.session.id") == sessionId);
        Assert.Equal(ActivityKind.Internal, connect.Kind);
        Assert.Equal(open.TraceId, connect.TraceId);
        Assert.Equal(open.SpanId, connect.ParentSpanId);
        Assert.Equal("/", Tag(connect, "socketio.namespace"));
        Assert.Equal(socketId, Tag(connect, "socketio.socket.id"));
        Assert.Equal("ok", Tag(connect, "socketio.outcome"));
        Assert.Equal(false, connect.GetTagItem("socketio.recovered"));
        Assert.Equal(ActivityStatusCode.Unset, connect.Status);

        var handled = await recorder.WaitForAsync(ServerActivities.HandleEvent, a => Tag(a, "socketio.socket.id") == socketId);
        Assert.Equal(ActivityKind.Server, handled.Kind);
        Assert.Equal(default, handled.ParentSpanId); // a root span, not a child of the WebSocket request
        Assert.NotEqual(open.TraceId, handled.TraceId);
        var link = Assert.Single(handled.Links);
        Assert.Equal(open.Context.TraceId, link.Context.TraceId);
        Assert.Equal(open.Context.SpanId, link.Context.SpanId);
        Assert.Equal("socket.io", Tag(handled, "rpc.system"));
        Assert.Equal("hello", Tag(handled, "rpc.method"));
        Assert.Equal("hello", Tag(handled, "socketio.event"));
        Assert.Equal("/", Tag(handled, "socketio.namespace"));
        Assert.Equal(true, handled.GetTagItem("socketio.ack"));
        Assert.Equal("ok", Tag(handled, "socketio.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, handled.Status);
        socket.Dispose();
    }

    [Fact]
    public async Task AThrowingHandlerMarksItsEventSpanAsAnError()
    {
        using var recorder = new ActivityRecorder(TypedSocketsTelemetry.ServerActivitySourceName);
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s => s.On("boom", _ => throw new InvalidOperationException("it broke")));
        var (connection, socketId) = await host.JoinAsync();

        connection.Receive("27[\"boom\"]");
        Assert.StartsWith("37[{\"error\":", await connection.NextAsync());

        var handled = await recorder.WaitForAsync(ServerActivities.HandleEvent, a => Tag(a, "socketio.socket.id") == socketId);
        Assert.Equal(ActivityStatusCode.Error, handled.Status);
        Assert.Equal("it broke", handled.StatusDescription);
        Assert.Equal("System.InvalidOperationException", Tag(handled, "error.type"));
        Assert.Equal("error", Tag(handled, "socketio.outcome"));
        var exception = Assert.Single(handled.Events);
        Assert.Equal("exception", exception.Name);
        Assert.Contains(exception.Tags, t => t.Key == "exception.type" && (string?)t.Value == "System.InvalidOperationException");
    }

    [Fact]
    public async Task AnAsyncHandlersSpanIsCurrentInTheHandlerAndEndsWhenItCompletes()
    {
        using var recorder = new ActivityRecorder(TypedSocketsTelemetry.ServerActivitySourceName);
        await using var host = new SocketIOTestHost();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new TaskCompletionSource<Activity?>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.OnConnection(s => s.On("slow", async e =>
        {
            seen.TrySetResult(Activity.Current);
            await release.Task;
            e.Ack("done");
        }));
        var (connection, socketId) = await host.JoinAsync();

        connection.Receive("23[\"slow\"]");
        var current = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(current);
        Assert.Equal(ServerActivities.HandleEvent, current.OperationName);
        Assert.Equal(socketId, Tag(current, "socketio.socket.id"));
        Assert.DoesNotContain(recorder.Stopped, a => ReferenceEquals(a, current));
        Assert.Null(Activity.Current); // the test's own context: nothing leaked from the receive path

        release.SetResult();
        Assert.Equal("33[\"done\"]", await connection.NextAsync());
        var handled = await recorder.WaitForAsync(ServerActivities.HandleEvent, a => ReferenceEquals(a, current));
        Assert.Equal("ok", Tag(handled, "socketio.outcome"));
    }

    [Fact]
    public async Task ABroadcastFromAHandlerIsAProducerChildSpanWithItsRecipientCount()
    {
        using var recorder = new ActivityRecorder(TypedSocketsTelemetry.ServerActivitySourceName);
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s => s.On("shout", e => e.Socket.Broadcast.Emit("news", e.GetArgument<string>(0))));
        var (sender, senderId) = await host.JoinAsync();
        var (second, _) = await host.JoinAsync();
        var (third, _) = await host.JoinAsync();

        sender.Receive("2[\"shout\",\"hey\"]");
        Assert.Equal("2[\"news\",\"hey\"]", await second.NextAsync());
        Assert.Equal("2[\"news\",\"hey\"]", await third.NextAsync());

        var handled = await recorder.WaitForAsync(ServerActivities.HandleEvent, a => Tag(a, "socketio.socket.id") == senderId);
        var broadcast = await recorder.WaitForAsync(ServerActivities.Broadcast, a => a.ParentSpanId == handled.SpanId);
        Assert.Equal(ActivityKind.Producer, broadcast.Kind);
        Assert.Equal(handled.TraceId, broadcast.TraceId);
        Assert.Equal("news", Tag(broadcast, "socketio.event"));
        Assert.Equal("/", Tag(broadcast, "socketio.namespace"));
        Assert.Equal(2, broadcast.GetTagItem("socketio.broadcast.recipients"));
        Assert.Equal(false, broadcast.GetTagItem("socketio.ack"));
    }

    [Fact]
    public async Task AServerEmitWithAckIsAClientSpanThatEndsWithTheReply()
    {
        using var recorder = new ActivityRecorder(TypedSocketsTelemetry.ServerActivitySourceName);
        await using var host = new SocketIOTestHost();
        var socketReady = new TaskCompletionSource<SocketIOSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.OnConnection(s => socketReady.SetResult(s));
        var (connection, socketId) = await host.JoinAsync();
        var socket = await socketReady.Task;

        var reply = socket.EmitWithAckAsync("ask", "q");
        var sent = await connection.NextAsync();
        Assert.Matches("^2\\d+\\[\"ask\",\"q\"\\]$", sent);
        var ackId = sent[1..sent.IndexOf('[', StringComparison.Ordinal)];
        connection.Receive("3" + ackId + "[\"a\"]");
        Assert.Equal("a", (await reply).Get<string>(0));

        var span = await recorder.WaitForAsync(ServerActivities.EmitWithAck, a => Tag(a, "socketio.socket.id") == socketId);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("ask", Tag(span, "socketio.event"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task WithoutAListenerNoSpanIsStartedAndHandlersSeeNoActivity()
    {
        Assert.False(ServerActivities.Source.HasListeners());
        Assert.Null(ServerActivities.Source.StartActivity(ServerActivities.HandleEvent, ActivityKind.Server));
        await using var host = new SocketIOTestHost();
        var seen = new TaskCompletionSource<Activity?>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.OnConnection(s => s.On("hello", e => seen.TrySetResult(Activity.Current)));
        var (connection, _) = await host.JoinAsync();

        connection.Receive("2[\"hello\"]");
        Assert.Null(await seen.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name) as string;

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static async Task<WebApplication> StartAsync(Action<SocketIOServer> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTypedSockets();
        var app = builder.Build();
        app.MapSocketIO("/socket.io", configure);
        await app.StartAsync();
        return app;
    }
}
