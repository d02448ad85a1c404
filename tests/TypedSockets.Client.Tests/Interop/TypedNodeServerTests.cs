using System.Collections.Concurrent;
using TypedSockets.Client.Tests.Infrastructure;
using TypedSockets.TestContracts;

namespace TypedSockets.Client.Tests.Interop;

/// <summary>
/// The typed client (generated emitter and dispatcher of TypedSockets.TestContracts) against the Node reference server
/// (npm socket.io 4.8.x): <c>node/server.mjs</c> implements the contract by hand in its "/typed" namespace.
/// </summary>
public sealed class TypedNodeServerTests
{
    public static readonly TheoryData<string> Transports = new() { "polling", "websocket" };

    private sealed class View : IShapesClient
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

        public Task<string> Ask(string question) => question switch
        {
            "refuse" => throw new SocketInvocationException("Not now", "busy"),
            "boom" => throw new InvalidOperationException("client internals"),
            _ => Task.FromResult("dotnet says " + question),
        };

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

    private static async Task<(NodeScenarioServer Server, SocketIOManager Manager, SocketIOClientSocket Socket, View View)> StartAsync(string transport)
    {
        var server = await NodeScenarioServer.StartAsync(new ScenarioServerConfig());
        var manager = new SocketIOManager(server.Uri, new SocketIOClientOptions
        {
            Transports = transport == "polling" ? SocketIOTransports.Polling : SocketIOTransports.WebSocket,
            Reconnection = false,
        });
        var view = new View();
        var socket = manager.Socket("/typed").Handle<IShapesClient>(view);
        await socket.ConnectAsync().WithTimeout();
        return (server, manager, socket, view);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task TypedEmitsAndAcksMatchTheReferenceServer(string transport)
    {
        var (server, manager, socket, view) = await StartAsync(transport);
        await using var _ = server;
        await using var __ = manager;
        var api = socket.Emitter<IShapesServer>();

        api.Note("héllo");
        await api.Touch(7, 1L << 40, 0.5, flag: true);
        await TestWait.UntilAsync(() => view.Notices.Count >= 2, () => string.Join(" | ", view.Notices) + server.Output);
        Assert.Equal(["note héllo / 5", "touch 7 1099511627776 0.5 true / 7"], view.Notices.ToArray());

        Assert.Equal(5, await api.Add(2, 3).WithTimeout());
        Assert.Equal("a \"quoted\" ünïcode line\n", await api.Echo("a \"quoted\" ünïcode line\n", CancellationToken.None).AsTask().WithTimeout());
        var sample = await api.Roundtrip(new Sample("abc", [1, 2, 3])).WithTimeout();
        Assert.Equal(new Sample("ABC", [3, 2, 1]).Name, sample.Name);
        Assert.Equal([3, 2, 1], sample.Values);
        Assert.Equal(new byte[] { 9, 0xFF, 3, 2, 1 }, await api.Reverse([1, 2, 3, 0xFF], new byte[] { 9 }).WithTimeout());
        Assert.Equal(1, await api.Join("room").WithTimeout());

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api.Slow(5_000, cts.Token).WithTimeout());
        Assert.True(await api.Slow(10, CancellationToken.None).WithTimeout());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ReferenceServerEventsReachTheTypedHandlers(string transport)
    {
        var (server, manager, socket, view) = await StartAsync(transport);
        await using var _ = server;
        await using var __ = manager;

        // The server emits "blob" (two binary attachments), then awaits the typed handler's ack to "ask".
        var answer = await socket.EmitWithAckAsync<string>("provoke").WithTimeout();
        Assert.Equal("dotnet says why", answer);
        var (data, extra) = await view.Blobs.Task.WithTimeout();
        Assert.Equal(new byte[] { 0, 1, 2 }, data);
        Assert.Equal(new byte[] { 0xAB, 0xCD }, extra);

        // "hold" waits on the handler's CancellationToken; the server disconnects the socket 200 ms later.
        socket.Emit("hold-then-disconnect");
        Assert.Equal("cancelled", await view.HoldEnded.Task.WithTimeout());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ErrorAnswersTravelBothWaysWithTheReferenceServer(string transport)
    {
        var (server, manager, socket, _) = await StartAsync(transport);
        await using var _ = server;
        await using var __ = manager;

        // The npm server answers "join" with {error: {...}}: the typed call throws.
        var refused = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.Emitter<IShapesServer>().Join("full").WithTimeout());
        Assert.Equal(("Room is full", "room_full"), (refused.Message, refused.Code));
        Assert.Equal(2, ((System.Text.Json.JsonElement)refused.ErrorData!).GetProperty("max").GetInt32());

        // The typed handler throws: the npm server's emitWithAck resolves to the error object, which it relays.
        var relayed = await socket.EmitWithAckAsync("provoke-ask", "refuse").WithTimeout();
        Assert.True(relayed.TryGetError(out var error), relayed.ToString());
        Assert.Equal(("Not now", "busy"), (error.Message, error.Code));
        var failed = await socket.EmitWithAckAsync("provoke-ask", "boom").WithTimeout();
        Assert.True(failed.TryGetError(out error), failed.ToString());
        Assert.Equal(("An error occurred while handling 'ask'.", SocketInvocationException.InternalErrorCode), (error.Message, error.Code));
        Assert.Equal("dotnet says ok", (await socket.EmitWithAckAsync("provoke-ask", "ok").WithTimeout()).Get<string>(0));
    }
}
