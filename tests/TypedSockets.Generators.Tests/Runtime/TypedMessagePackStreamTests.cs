using Microsoft.AspNetCore.Builder;
using TypedSockets.Client;
using TypedSockets.Protocol.SocketIO.MessagePack;
using TypedSockets.Server;
using TypedSockets.TestContracts;

namespace TypedSockets.Generators.Tests.Runtime;

/// <summary>Typed streams with the MessagePack parser on both ends: items, stream arguments, errors and refusals as msgpack.</summary>
public sealed class TypedMessagePackStreamTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);
    private WebApplication? _app;
    private SocketIOManager? _manager;
    private Uri _address = null!;

    public async Task InitializeAsync() =>
        (_app, _address) = await RuntimeHost.StartAsync(
            io => io.MapNamespace<TypedStreamTests.StreamHub>("/streams"),
            o =>
            {
                o.Parser = new MessagePackSocketIOParser();
                o.Streams.MaxStreams = 2;
            });

    public async Task DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        await RuntimeHost.StopAsync(_app);
    }

    private async Task<IStreamServer> ConnectAsync(SocketIOTransports transports)
    {
        _manager = new SocketIOManager(_address, new SocketIOClientOptions
        {
            Reconnection = false,
            Transports = transports,
            Parser = new MessagePackSocketIOParser(),
            Query = new Dictionary<string, string> { ["probe"] = Guid.NewGuid().ToString("N") },
        });
        var socket = _manager.Socket("/streams");
        await socket.ConnectAsync().WaitAsync(s_wait);
        return socket.Emitter<IStreamServer>();
    }

    private static async IAsyncEnumerable<int> Numbers(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    [Theory]
    [InlineData(SocketIOTransports.WebSocket)]
    [InlineData(SocketIOTransports.Polling)]
    public async Task StreamsBothWaysOverMessagePack(SocketIOTransports transports)
    {
        var server = await ConnectAsync(transports);
        var received = new List<int>();
        await foreach (var n in server.Count(1000, CancellationToken.None).WithCancellation(new CancellationTokenSource(s_wait).Token))
        {
            received.Add(n);
        }

        Assert.Equal(Enumerable.Range(0, 1000), received);
        Assert.Equal(5050, await server.Sum(Numbers(100)).WaitAsync(s_wait));
    }

    [Theory]
    [InlineData("E42", "broken on purpose", "E42")]
    [InlineData(null, "The stream failed.", "stream_error")]
    public async Task ProducerErrorsArriveOverMessagePack(string? code, string message, string expectedCode)
    {
        var server = await ConnectAsync(SocketIOTransports.WebSocket);
        var received = new List<int>();
        var error = await Assert.ThrowsAsync<SocketInvocationException>(async () =>
        {
            await foreach (var n in server.Fail(3, code).WithCancellation(new CancellationTokenSource(s_wait).Token))
            {
                received.Add(n);
            }
        });

        Assert.Equal([0, 1, 2], received);
        Assert.Equal(message, error.Message);
        Assert.Equal(expectedCode, error.Code);
    }

    [Fact]
    public async Task AStreamPastTheLimitIsRefusedOverMessagePack()
    {
        var server = await ConnectAsync(SocketIOTransports.WebSocket);
        await using var first = server.Endless(CancellationToken.None).GetAsyncEnumerator();
        await using var second = server.Endless(CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await first.MoveNextAsync().AsTask().WaitAsync(s_wait));
        Assert.True(await second.MoveNextAsync().AsTask().WaitAsync(s_wait));

        await using var third = server.Endless(CancellationToken.None).GetAsyncEnumerator();
        var error = await Assert.ThrowsAsync<SocketInvocationException>(() => third.MoveNextAsync().AsTask().WaitAsync(s_wait));
        Assert.Equal("stream_limit", error.Code);
        Assert.Equal("Too many open streams on this connection (the limit is 2).", error.Message);
    }
}
