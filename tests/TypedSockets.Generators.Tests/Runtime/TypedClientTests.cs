using System.Collections.Concurrent;
using Chat.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSockets.Client;
using TypedSockets.Server;
using TypedSockets.TestContracts;

namespace TypedSockets.Generators.Tests.Runtime;

/// <summary>
/// Compile and run, both ends typed: hubs on our server over real Kestrel (127.0.0.1:0) and the TypedSockets .NET
/// client using the same contract assemblies (Chat.Contracts and TypedSockets.TestContracts, compiled with the
/// generator as an analyzer).
/// </summary>
public sealed class TypedClientTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private readonly List<SocketIOManager> _managers = [];
    private WebApplication? _app;
    private Uri _address = null!;

    public sealed class ShapesHub : SocketHub<IShapesServer, IShapesClient>, IShapesServer
    {
        public void Note(string text) => Caller.Notice("note " + text, text.Length);

        public Task Touch(int n, long big, double ratio, bool flag)
        {
            Caller.Notice(FormattableString.Invariant($"touch {n} {big} {ratio} {flag}"), n);
            return Task.CompletedTask;
        }

        public Task<int> Add(int a, int b) => Task.FromResult(a + b);

        public ValueTask<string> Echo(string text, CancellationToken cancellationToken) => ValueTask.FromResult(text);

        public Task<byte[]> Reverse(byte[] data, ReadOnlyMemory<byte> suffix) =>
            Task.FromResult(data.Concat(suffix.ToArray()).Reverse().ToArray());

        public Task<Sample> Roundtrip(Sample value) =>
            Task.FromResult(new Sample(value.Name.ToUpperInvariant(), value.Values.Reverse().ToArray()));

        public async Task<bool> Slow(int delayMs, CancellationToken cancellationToken)
        {
            await Task.Delay(delayMs, cancellationToken);
            return true;
        }

        public async Task<int> Join(string room)
        {
            await Socket.JoinAsync(room);
            return Socket.Namespace.Adapter.GetSockets([room]).Count;
        }
    }

    public sealed class ChatHub : SocketHub<IChatServer, IChatClient>, IChatServer
    {
        public void Send(string room, string text) =>
            Clients.To(room).Message(new ChatMessage(room, Socket.Id, text, DateTimeOffset.UnixEpoch));

        public async Task<JoinResult> Join(string room)
        {
            await Socket.JoinAsync(room);
            var online = Socket.Namespace.Adapter.GetSockets([room]).Count;
            Others.To(room).UserJoined(Socket.Id, online);
            return new JoinResult(room, online);
        }
    }

    /// <summary>The client's implementation of <see cref="IShapesClient"/>: records what arrives.</summary>
    private sealed class ShapesView(TimeSpan answerDelay) : IShapesClient
    {
        public readonly ConcurrentQueue<string> Notices = new();
        public readonly TaskCompletionSource<(byte[] Data, byte[] Extra)> Blobs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource<string> HoldEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Notice(string text, int n) => Notices.Enqueue(text + " / " + n);

        public ValueTask Blob(byte[] data, ReadOnlyMemory<byte> extra)
        {
            Blobs.TrySetResult((data, extra.ToArray()));
            return ValueTask.CompletedTask;
        }

        public async Task<string> Ask(string question)
        {
            await Task.Delay(answerDelay);
            return "answer to " + question;
        }

        public async Task<bool> HoldUntilDisconnected(CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                HoldEnded.TrySetResult("not cancelled");
            }
            catch (OperationCanceledException)
            {
                HoldEnded.TrySetResult("cancelled");
            }

            return true;
        }
    }

    private sealed class ChatView : IChatClient
    {
        public readonly TaskCompletionSource<ChatMessage> Messages = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource<(string Name, int Online)> Joined = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Message(ChatMessage message) => Messages.TrySetResult(message);

        public void UserJoined(string name, int online) => Joined.TrySetResult((name, online));

        public Task<bool> ConfirmLeave(string reason, CancellationToken cancellationToken) => Task.FromResult(reason == "closing");
    }

    public async Task InitializeAsync() =>
        (_app, _address) = await RuntimeHost.StartAsync(io =>
        {
            io.MapNamespace<ShapesHub>("/shapes");
            io.MapNamespace<ChatHub>("/chat");
        });

    public async Task DisposeAsync()
    {
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync();
        }

        await RuntimeHost.StopAsync(_app);
    }

    private SocketIONamespace Namespace(string name) =>
        _app!.Services.GetRequiredService<SocketIOServerRegistry>().Servers.Single().Of(name);

    private async Task<SocketIOClientSocket> ConnectAsync(string nsp, Action<SocketIOClientSocket> beforeConnect, SocketIOTransports transports = SocketIOTransports.All, int retries = 0)
    {
        var manager = new SocketIOManager(_address, new SocketIOClientOptions { Reconnection = false, Transports = transports, Retries = retries });
        _managers.Add(manager);
        var socket = manager.Socket(nsp);
        beforeConnect(socket);
        await socket.ConnectAsync().WaitAsync(s_wait);
        return socket;
    }

    private static Task UntilAsync(Func<bool> condition, Func<string> describe) => TypedSockets.Testing.Eventually.TrueAsync(condition, describe);

    [Theory]
    [InlineData(SocketIOTransports.WebSocket)]
    [InlineData(SocketIOTransports.Polling)]
    public async Task VoidAndTaskMethodsReachTheHubWithoutAck(SocketIOTransports transports)
    {
        var view = new ShapesView(TimeSpan.Zero);
        var socket = await ConnectAsync("/shapes", s => s.Handle<IShapesClient>(view), transports);
        var server = socket.Emitter<IShapesServer>();

        server.Note("héllo");
        await server.Touch(7, 1L << 40, 0.5, flag: true);

        await UntilAsync(() => view.Notices.Count >= 2, () => string.Join(" | ", view.Notices));
        Assert.Equal(["note héllo / 5", "touch 7 1099511627776 0.5 True / 7"], view.Notices.ToArray());
    }

    [Fact]
    public async Task AcknowledgedMethodsReturnTheHubsResults()
    {
        var socket = await ConnectAsync("/shapes", _ => { });
        var server = socket.Emitter<IShapesServer>();

        Assert.Equal(5, await server.Add(2, 3).WaitAsync(s_wait));
        Assert.Equal("a \"quoted\" ünïcode line\n", await server.Echo("a \"quoted\" ünïcode line\n", CancellationToken.None).AsTask().WaitAsync(s_wait));
        var sample = await server.Roundtrip(new Sample("abc", [1, 2, 3])).WaitAsync(s_wait);
        Assert.Equal("ABC", sample.Name);
        Assert.Equal([3, 2, 1], sample.Values);
    }

    [Fact]
    public async Task BinaryTravelsBothWays()
    {
        var view = new ShapesView(TimeSpan.Zero);
        var socket = await ConnectAsync("/shapes", s => s.Handle<IShapesClient>(view));
        var server = socket.Emitter<IShapesServer>();

        var reversed = await server.Reverse([1, 2, 3, 0xFF], new byte[] { 9 }).WaitAsync(s_wait);
        Assert.Equal(new byte[] { 9, 0xFF, 3, 2, 1 }, reversed);

        var serverSocket = Namespace("/shapes").Sockets.Values.Single(s => s.Id == socket.Id);
        await serverSocket.Emitter<IShapesClient>().Blob([0, 1, 2], new byte[] { 0xAB, 0xCD });
        var (data, extra) = await view.Blobs.Task.WaitAsync(s_wait);
        Assert.Equal(new byte[] { 0, 1, 2 }, data);
        Assert.Equal(new byte[] { 0xAB, 0xCD }, extra);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task TypedEmitsShowTheirArgumentsToOutgoingListenersAndGoThroughTheRetryQueue(int retries)
    {
        var outgoing = new ConcurrentQueue<string>();
        var socket = await ConnectAsync("/shapes", s => s.OnAnyOutgoing((name, args) => outgoing.Enqueue(name + " " + string.Join(",", args))), retries: retries);
        var server = socket.Emitter<IShapesServer>();

        Assert.Equal(5, await server.Add(2, 3).WaitAsync(s_wait));
        Assert.Equal("q", await server.Echo("q", CancellationToken.None).AsTask().WaitAsync(s_wait));
        Assert.Equal(["add 2,3", "echo:text q"], outgoing.ToArray());
    }

    [Fact]
    public async Task TypedEmitWhileDisconnectedWaitsInTheOfflineBuffer()
    {
        var manager = new SocketIOManager(_address, new SocketIOClientOptions { Reconnection = false });
        _managers.Add(manager);
        var socket = manager.Socket("/shapes");
        var server = socket.Emitter<IShapesServer>();

        var sum = server.Add(20, 22);
        Assert.Equal(1, socket.BufferedCount);
        await socket.ConnectAsync().WaitAsync(s_wait);
        Assert.Equal(42, await sum.WaitAsync(s_wait));
        Assert.Equal(0, socket.BufferedCount);
    }

    [Fact]
    public async Task CancellationTokenStopsWaitingForTheAck()
    {
        var socket = await ConnectAsync("/shapes", _ => { });
        var server = socket.Emitter<IShapesServer>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var slow = server.Slow(5_000, cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.WaitAsync(s_wait));

        // The socket goes on: a later acknowledged call still gets its reply.
        Assert.True(await server.Slow(10, CancellationToken.None).WaitAsync(s_wait));
    }

    [Fact]
    public async Task ServerEmitterAwaitsTheTypedClientsAck()
    {
        var view = new ShapesView(TimeSpan.Zero);
        var socket = await ConnectAsync("/shapes", s => s.Handle<IShapesClient>(view));
        var serverSocket = Namespace("/shapes").Sockets.Values.Single(s => s.Id == socket.Id);

        var answer = await serverSocket.Emitter<IShapesClient>().Ask("why").WaitAsync(s_wait);
        Assert.Equal("answer to why", answer);
    }

    [Fact]
    public async Task BroadcastAckCollectsEveryClientsReplyOrTimeout()
    {
        var quick = await ConnectAsync("/shapes", s => s.Handle<IShapesClient>(new ShapesView(TimeSpan.Zero)));
        var late = await ConnectAsync("/shapes", s => s.Handle<IShapesClient>(new ShapesView(TimeSpan.FromSeconds(3))));
        var outsider = new ShapesView(TimeSpan.Zero);
        await ConnectAsync("/shapes", s => s.Handle<IShapesClient>(outsider));
        Assert.Equal(1, await quick.Emitter<IShapesServer>().Join("poll").WaitAsync(s_wait));
        Assert.Equal(2, await late.Emitter<IShapesServer>().Join("poll").WaitAsync(s_wait));

        var results = await Namespace("/shapes").Clients<IShapesClient>().To("poll").Timeout(TimeSpan.FromMilliseconds(800)).Ask("ready?").WaitAsync(s_wait);

        Assert.Equal(2, results.Count);
        Assert.False(results.IsComplete);
        Assert.Equal(1, results.TimedOutCount);
        Assert.Equal(["answer to ready?"], results.Values);
        Assert.True(results[0].Replied);
        Assert.True(results[1].IsTimedOut);
    }

    [Fact]
    public async Task HandlerCancellationTokenFiresWhenTheServerDisconnects()
    {
        var view = new ShapesView(TimeSpan.Zero);
        var socket = await ConnectAsync("/shapes", s => s.Handle<IShapesClient>(view));
        var serverSocket = Namespace("/shapes").Sockets.Values.Single(s => s.Id == socket.Id);

        var hold = serverSocket.Emitter<IShapesClient>().HoldUntilDisconnected(CancellationToken.None);
        await Task.Delay(200);
        Assert.False(view.HoldEnded.Task.IsCompleted);
        serverSocket.Disconnect();

        Assert.Equal("cancelled", await view.HoldEnded.Task.WaitAsync(s_wait));
        await Assert.ThrowsAnyAsync<Exception>(() => hold.WaitAsync(s_wait));
    }

    [Fact]
    public async Task APayloadThatDoesNotBindIsReportedAndRefusedWithInvalidArguments()
    {
        var errors = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var view = new ShapesView(TimeSpan.Zero);
        var socket = await ConnectAsync("/shapes", s =>
        {
            s.Handle<IShapesClient>(view);
            s.HandlerError += e => errors.TrySetResult(e);
        });
        var serverSocket = Namespace("/shapes").Sockets.Values.Single(s => s.Id == socket.Id);

        // "ask" takes a string: an object does not bind, and the server's call gets the refusal.
        var ask = serverSocket.EmitWithAckAsync<string>("ask", [new { not = "a string" }], TimeSpan.FromSeconds(10));
        var error = Assert.IsType<SocketInvocationException>(await errors.Task.WaitAsync(s_wait));
        Assert.Equal(SocketInvocationException.InvalidArgumentsCode, error.Code);
        Assert.IsType<TypedSockets.Protocol.SocketIO.SocketIOBindingException>(error.InnerException);
        var refused = await Assert.ThrowsAsync<SocketInvocationException>(() => ask.WaitAsync(s_wait));
        Assert.Equal("Invalid arguments for 'ask': 'question' has the wrong type.", refused.Message);

        // The dispatcher goes on with the next event.
        Assert.Equal("answer to next", await serverSocket.Emitter<IShapesClient>().Ask("next").WaitAsync(s_wait));
    }

    [Fact]
    public async Task ChatContractsServeTypedServerAndTypedClient()
    {
        var aliceView = new ChatView();
        var bobView = new ChatView();
        var alice = await ConnectAsync("/chat", s => s.Handle<IChatClient>(aliceView));
        var bob = await ConnectAsync("/chat", s => s.Handle<IChatClient>(bobView));
        IChatServer aliceServer = alice.Emitter<IChatServer>();
        IChatServer bobServer = bob.Emitter<IChatServer>();

        Assert.Equal(new JoinResult("lobby", 1), await aliceServer.Join("lobby").WaitAsync(s_wait));
        Assert.Equal(new JoinResult("lobby", 2), await bobServer.Join("lobby").WaitAsync(s_wait));
        Assert.Equal((bob.Id!, 2), await aliceView.Joined.Task.WaitAsync(s_wait));

        bobServer.Send("lobby", "hi alice");
        var message = await aliceView.Messages.Task.WaitAsync(s_wait);
        Assert.Equal(new ChatMessage("lobby", bob.Id!, "hi alice", DateTimeOffset.UnixEpoch), message);

        var confirmations = await Namespace("/chat").Clients<IChatClient>().To("lobby").Timeout(TimeSpan.FromSeconds(5)).ConfirmLeave("closing").WaitAsync(s_wait);
        Assert.Equal(2, confirmations.Count);
        Assert.True(confirmations.IsComplete);
        Assert.All(confirmations, r => Assert.True(r.Value));
    }
}
