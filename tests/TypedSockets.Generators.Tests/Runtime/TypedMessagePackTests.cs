using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSockets.Client;
using TypedSockets.Protocol.SocketIO.MessagePack;
using TypedSockets.Server;
using TypedSockets.TestContracts;

namespace TypedSockets.Generators.Tests.Runtime;

/// <summary>The generated emitters and dispatchers on both ends with the MessagePack parser instead of JSON.</summary>
public sealed class TypedMessagePackTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private WebApplication? _app;
    private SocketIOManager? _manager;
    private Uri _address = null!;

    private sealed class NoticeView : IShapesClient
    {
        public readonly ConcurrentQueue<string> Notices = new();

        public void Notice(string text, int n) => Notices.Enqueue(text + " / " + n);

        public ValueTask Blob(byte[] data, ReadOnlyMemory<byte> extra) => ValueTask.CompletedTask;

        public Task<string> Ask(string question) => Task.FromResult("answer to " + question);

        public Task<bool> HoldUntilDisconnected(CancellationToken cancellationToken) => Task.FromResult(true);
    }

    public async Task InitializeAsync() =>
        (_app, _address) = await RuntimeHost.StartAsync(io => io.MapNamespace<TypedClientTests.ShapesHub>("/shapes"), o => o.Parser = new MessagePackSocketIOParser());

    public async Task DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        await RuntimeHost.StopAsync(_app);
    }

    [Theory]
    [InlineData(SocketIOTransports.WebSocket)]
    [InlineData(SocketIOTransports.Polling)]
    public async Task TypedCallsRoundTripWithTheMessagePackParser(SocketIOTransports transports)
    {
        _manager = new SocketIOManager(_address, new SocketIOClientOptions { Reconnection = false, Transports = transports, Parser = new MessagePackSocketIOParser() });
        var socket = _manager.Socket("/shapes");
        var view = new NoticeView();
        socket.Handle<IShapesClient>(view);
        await socket.ConnectAsync().WaitAsync(s_wait);
        var server = socket.Emitter<IShapesServer>();

        Assert.Equal(5, await server.Add(2, 3).WaitAsync(s_wait));
        Assert.Equal("ünïcode", await server.Echo("ünïcode", CancellationToken.None).AsTask().WaitAsync(s_wait));
        var sample = await server.Roundtrip(new Sample("abc", [1, 2, 3])).WaitAsync(s_wait);
        Assert.Equal("ABC", sample.Name);
        Assert.Equal([3, 2, 1], sample.Values);
        Assert.Equal(new byte[] { 9, 2, 1 }, await server.Reverse([1, 2], new byte[] { 9 }).WaitAsync(s_wait));

        await server.Touch(7, 1L << 40, 0.5, flag: true);
        await TypedSockets.Testing.Eventually.TrueAsync(() => !view.Notices.IsEmpty, "the touch notice arrived");

        Assert.Equal(["touch 7 1099511627776 0.5 True / 7"], view.Notices.ToArray());
    }
}
