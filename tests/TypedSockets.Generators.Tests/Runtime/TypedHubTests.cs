using System.Collections.Concurrent;
using Chat.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SocketIOClient;
using SocketIOClient.Transport;
using TypedSockets.Server;

namespace TypedSockets.Generators.Tests.Runtime;

/// <summary>
/// Compile and run: Chat.Contracts is compiled with the generator as an analyzer; a typed hub serves it over real
/// Kestrel on 127.0.0.1:0 and an independent client (NuGet SocketIOClient) talks to it.
/// </summary>
public sealed class TypedHubTests : IAsyncLifetime
{
    private WebApplication? _app;
    private Uri _address = null!;

    public sealed class ChatHub : SocketHub<IChatServer, IChatClient>, IChatServer
    {
        public static readonly ConcurrentQueue<string> Log = new();

        public void Send(string room, string text) =>
            Clients.To(room).Except(Socket).Message(new ChatMessage(room, Socket.Id, text, DateTimeOffset.UnixEpoch));

        public async Task<JoinResult> Join(string room)
        {
            await Socket.JoinAsync(room);
            Log.Enqueue("joined " + room);
            Clients.To(room).UserJoined(Socket.Id, Socket.Namespace.Adapter.GetSockets([room]).Count);
            return new JoinResult(room, Socket.Namespace.Adapter.GetSockets([room]).Count);
        }

        public override ValueTask OnConnectedAsync()
        {
            Caller.UserJoined("welcome", 1);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The same contract, answering events whose arguments do not bind with an error acknowledgement.</summary>
    public sealed class StrictChatHub : SocketHub<IChatServer, IChatClient>, IChatServer
    {
        public static readonly ConcurrentQueue<string> Calls = new();

        public void Send(string room, string text) => Calls.Enqueue("send " + room);

        public Task<JoinResult> Join(string room)
        {
            Calls.Enqueue("join " + room);
            return Task.FromResult(new JoinResult(room, 1));
        }

        protected override object? OnArgumentsInvalid(string eventName, Exception error) =>
            new { ok = false, error = "invalid " + eventName + ": " + error.GetType().Name };
    }

    public async Task InitializeAsync() =>
        (_app, _address) = await RuntimeHost.StartAsync(io =>
        {
            io.MapNamespace<ChatHub>("/chat");
            io.MapNamespace<StrictChatHub>("/strict");
        });

    public Task DisposeAsync() => RuntimeHost.StopAsync(_app);

    private async Task<SocketIOClient.SocketIO> ConnectAsync(Action<SocketIOClient.SocketIO> beforeConnect, string nsp = "/chat")
    {
        var client = new SocketIOClient.SocketIO(new Uri(_address, nsp), new SocketIOOptions
        {
            EIO = 4,
            Transport = TransportProtocol.WebSocket,
            Reconnection = false,
            ConnectionTimeout = TimeSpan.FromSeconds(5),
        });
        beforeConnect(client);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnConnected += (_, _) => connected.TrySetResult();
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(client.Connected);
        return client;
    }

    private static Task<SocketIOResponse> Next(SocketIOClient.SocketIO client, string name, Func<SocketIOResponse, bool>? where = null)
    {
        var tcs = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On(name, r =>
        {
            if (where is null || where(r))
            {
                tcs.TrySetResult(r);
            }
        });
        return tcs.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task HubGreetsTheCallerWithATypedEmitOnConnect()
    {
        Task<SocketIOResponse>? welcome = null;
        using var client = await ConnectAsync(c => welcome = Next(c, "user:joined"));
        var response = await welcome!;
        Assert.Equal("welcome", response.GetValue<string>(0));
        Assert.Equal(1, response.GetValue<int>(1));
    }

    [Fact]
    public async Task AcknowledgedMethodRepliesWithItsResult()
    {
        using var client = await ConnectAsync(_ => { });
        var reply = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("join", r => reply.TrySetResult(r), "lobby");
        var result = (await reply.Task.WaitAsync(TimeSpan.FromSeconds(10))).GetValue(0);
        Assert.Equal("lobby", result.GetProperty("room").GetString());
        Assert.Equal(1, result.GetProperty("online").GetInt32());
    }

    [Fact]
    public async Task AHubMethodCallIsAServerSpanNamedAfterTheHubAndItsTypedBroadcastIsAChildSpan()
    {
        var stopped = new ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == TypedSocketsTelemetry.ServerActivitySourceName,
            Sample = static (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) =>
                System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var client = await ConnectAsync(_ => { });
        var room = "traced-" + client.Id;

        var reply = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("join", r => reply.TrySetResult(r), room);
        await reply.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var bad = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("join", r => bad.TrySetResult(r), new { room = "not a string" });
        await bad.Task.WaitAsync(TimeSpan.FromSeconds(10));

        System.Diagnostics.Activity? join = null;
        System.Diagnostics.Activity? refused = null;
        System.Diagnostics.Activity? broadcast = null;
        await TypedSockets.Testing.Eventually.TrueAsync(Found, "the join, refused and broadcast spans are recorded");

        bool Found()
        {
            var events = stopped.Where(a => a.OperationName == "socketio.event" && (string?)a.GetTagItem("socketio.socket.id") == client.Id).ToList();
            join = events.FirstOrDefault(a => a.Status == System.Diagnostics.ActivityStatusCode.Unset);
            refused = events.FirstOrDefault(a => a.Status == System.Diagnostics.ActivityStatusCode.Error);
            broadcast = join is null ? null : stopped.FirstOrDefault(a => a.OperationName == "socketio.broadcast" && a.ParentSpanId == join.SpanId);
            return join is not null && refused is not null && broadcast is not null;
        }

        Assert.Equal("ChatHub/join", join!.DisplayName);
        Assert.Equal(System.Diagnostics.ActivityKind.Server, join.Kind);
        Assert.Equal("ChatHub", join.GetTagItem("rpc.service"));
        Assert.Equal("ChatHub", join.GetTagItem("socketio.hub"));
        Assert.Equal("join", join.GetTagItem("rpc.method"));
        Assert.Equal("/chat", join.GetTagItem("socketio.namespace"));
        Assert.Equal(true, join.GetTagItem("socketio.ack"));
        Assert.Equal("ok", join.GetTagItem("socketio.outcome"));

        Assert.Equal(System.Diagnostics.ActivityKind.Producer, broadcast!.Kind);
        Assert.Equal("user:joined", broadcast.GetTagItem("socketio.event"));
        Assert.Equal(1, broadcast.GetTagItem("socketio.broadcast.recipients"));

        Assert.Equal("invalid_arguments", refused!.GetTagItem("socketio.outcome"));
        Assert.Equal(typeof(SocketInvocationException).FullName, refused.GetTagItem("error.type"));
    }

    [Fact]
    public async Task TypedBroadcastReachesTheRoomButNotTheSender()
    {
        using var alice = await ConnectAsync(_ => { });
        using var bob = await ConnectAsync(_ => { });
        foreach (var client in new[] { alice, bob })
        {
            var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await client.EmitAsync("join", _ => joined.TrySetResult(), "blue");
            await joined.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        var aliceGot = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.On("message", r => aliceGot.TrySetResult(r));
        var bobGot = Next(bob, "message");
        await alice.EmitAsync("send", "blue", "hi bob");

        var message = (await bobGot).GetValue(0);
        Assert.Equal("blue", message.GetProperty("room").GetString());
        Assert.Equal("hi bob", message.GetProperty("text").GetString());
        Assert.Equal(alice.Id, message.GetProperty("user").GetString());
        Assert.Equal("1970-01-01T00:00:00+00:00", message.GetProperty("sentAt").GetString());
        // Sentinel: alice's next acknowledged event is handled after "send", so its ack comes after any broadcast to her.
        var sentinel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await alice.EmitAsync("join", _ => sentinel.TrySetResult(), "blue");
        await sentinel.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(aliceGot.Task.IsCompleted, "The sender was excluded with Except(Socket).");
    }

    [Fact]
    public async Task TypedServerEmitterWaitsForTheClientsAcknowledgement()
    {
        var socketId = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reasons = new ConcurrentQueue<string>();
        using var client = await ConnectAsync(c => c.On("confirmLeave", r =>
        {
            reasons.Enqueue(r.ToString());
            _ = r.CallbackAsync(r.GetValue<string>(0) == "closing");
        }));
        var nsp = _app!.Services.GetRequiredService<SocketIOServerRegistry>().Servers.Single().Of("/chat");
        var socket = nsp.Sockets.Values.Single(s => s.Id == client.Id);

        var confirmed = await socket.Emitter<IChatClient>().ConfirmLeave("closing", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(confirmed, string.Join(" | ", reasons));

        var all = await nsp.Clients<IChatClient>().Timeout(TimeSpan.FromSeconds(5)).ConfirmLeave("closing");
        Assert.True(all.IsComplete);
        Assert.True(all.Single(r => r.Replied).Value);
    }

    [Fact]
    public async Task ArgumentsThatDoNotBindAreAnsweredWithTheHubsErrorAckAndTheMethodIsNotCalled()
    {
        using var client = await ConnectAsync(_ => { }, "/strict");
        var refused = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("join", r => refused.TrySetResult(r), new { room = "not a string" });
        var error = (await refused.Task.WaitAsync(TimeSpan.FromSeconds(10))).GetValue(0);
        Assert.False(error.GetProperty("ok").GetBoolean());
        Assert.Equal("invalid join: SocketInvocationException", error.GetProperty("error").GetString());

        // A void method's bad arguments are answered too, and the connection keeps working.
        var refusedSend = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("send", r => refusedSend.TrySetResult(r), 42, "text");
        Assert.Equal("invalid send: SocketInvocationException", (await refusedSend.Task.WaitAsync(TimeSpan.FromSeconds(10))).GetValue(0).GetProperty("error").GetString());

        var joined = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("join", r => joined.TrySetResult(r), "strict-room");
        Assert.Equal("strict-room", (await joined.Task.WaitAsync(TimeSpan.FromSeconds(10))).GetValue(0).GetProperty("room").GetString());
        Assert.Equal(["join strict-room"], StrictChatHub.Calls.ToArray());
    }

    [Fact]
    public async Task WithoutAnOverrideArgumentsThatDoNotBindAreAnsweredWithInvalidArguments()
    {
        using var client = await ConnectAsync(_ => { });
        var refused = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("join", r => refused.TrySetResult(r), new { room = "not a string" });
        var answer = await refused.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(
            """[{"error":{"message":"Invalid arguments for 'join': 'room' has the wrong type.","code":"invalid_arguments"}}]""",
            answer.ToString());

        var joined = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("join", r => joined.TrySetResult(r), "after-bad-join");
        Assert.Equal("after-bad-join", (await joined.Task.WaitAsync(TimeSpan.FromSeconds(10))).GetValue(0).GetProperty("room").GetString());
    }
}
