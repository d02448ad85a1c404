using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;
using TypedSockets.Client;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server;
using TypedSockets.TestContracts;

namespace TypedSockets.Generators.Tests.Runtime;

/// <summary>
/// Typed streams (docs/streaming.md) end to end: a hub on our server over real Kestrel and the TypedSockets .NET client,
/// both with the generated code of TypedSockets.TestContracts' IStreamServer / IStreamClient.
/// </summary>
public sealed class TypedStreamTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);
    private readonly List<SocketIOManager> _managers = [];
    private WebApplication? _app;
    private Uri _address = null!;

    /// <summary>What the producers of the hub did, per test (the hub is created per socket).</summary>
    private sealed class Probe
    {
        public int Yielded;
        public readonly TaskCompletionSource TokenFired = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource<Exception> SumFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource<SocketIOSocket> Connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static readonly ConcurrentDictionary<string, Probe> s_probes = new();

    private static Probe ProbeOf(SocketIOSocket socket) => s_probes.GetOrAdd((string)socket.Handshake.Query["probe"]!, _ => new Probe());

    public sealed class StreamHub : SocketHub<IStreamServer, IStreamClient>, IStreamServer
    {
        public override ValueTask OnConnectedAsync()
        {
            ProbeOf(Socket).Connected.TrySetResult(Socket);
            return default;
        }

        public async IAsyncEnumerable<int> Count(int count, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Yield();
                yield return i;
            }
        }

        public async IAsyncEnumerable<int> Endless([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var probe = ProbeOf(Socket);
            using var registration = cancellationToken.Register(() => probe.TokenFired.TrySetResult());
            try
            {
                for (var i = 0; ; i++)
                {
                    await Task.Yield();
                    Interlocked.Increment(ref probe.Yielded);
                    yield return i;
                }
            }
            finally
            {
                probe.Disposed.TrySetResult();
            }
        }

        public async IAsyncEnumerable<int> Fail(int after, string? code)
        {
            for (var i = 0; i < after; i++)
            {
                await Task.Yield();
                yield return i;
            }

            throw code is null ? new InvalidOperationException("secret detail") : new SocketInvocationException("broken on purpose", code);
        }

        public ChannelReader<string> Words(string text)
        {
            var channel = Channel.CreateUnbounded<string>();
            foreach (var word in text.Split(' '))
            {
                channel.Writer.TryWrite(word);
            }

            channel.Writer.Complete();
            return channel.Reader;
        }

        public async Task<int> Sum(IAsyncEnumerable<int> numbers)
        {
            var sum = 0;
            try
            {
                await foreach (var n in numbers)
                {
                    sum += n;
                }
            }
            catch (Exception e)
            {
                ProbeOf(Socket).SumFailed.TrySetResult(e);
                throw;
            }

            return sum;
        }

        public async Task<int> SumChannel(ChannelReader<int> numbers)
        {
            var sum = 0;
            await foreach (var n in numbers.ReadAllAsync())
            {
                sum += n;
            }

            return sum;
        }

        public Task<int> Produced() => Task.FromResult(Volatile.Read(ref ProbeOf(Socket).Yielded));

        public async Task<int> AskSquares(int count)
        {
            var sum = 0;
            await foreach (var n in Caller.Squares(count))
            {
                sum += n;
            }

            return sum;
        }

        public Task<int> SendTotal(int count) => Caller.Total(Range(count));

        private static async IAsyncEnumerable<int> Range(int count)
        {
            for (var i = 1; i <= count; i++)
            {
                await Task.Yield();
                yield return i;
            }
        }
    }

    private sealed class StreamView : IStreamClient
    {
        public async IAsyncEnumerable<int> Squares(int count)
        {
            for (var i = 1; i <= count; i++)
            {
                await Task.Yield();
                yield return i * i;
            }
        }

        public async Task<int> Total(IAsyncEnumerable<int> numbers)
        {
            var sum = 0;
            await foreach (var n in numbers)
            {
                sum += n;
            }

            return sum;
        }
    }

    public async Task InitializeAsync() =>
        (_app, _address) = await RuntimeHost.StartAsync(io => io.MapNamespace<StreamHub>("/streams"));

    public async Task DisposeAsync()
    {
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync();
        }

        await RuntimeHost.StopAsync(_app);
    }

    private async Task<(SocketIOClientSocket Socket, Probe Probe)> ConnectAsync(SocketIOTransports transports = SocketIOTransports.All, TimeProvider? time = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var manager = new SocketIOManager(_address, new SocketIOClientOptions
        {
            Reconnection = false,
            Transports = transports,
            Query = new Dictionary<string, string> { ["probe"] = id },
            TimeProvider = time ?? TimeProvider.System,
        });
        _managers.Add(manager);
        var socket = manager.Socket("/streams");
        socket.Handle<IStreamClient>(new StreamView());
        await socket.ConnectAsync().WaitAsync(s_wait);
        return (socket, s_probes.GetOrAdd(id, _ => new Probe()));
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
    public async Task ServerStreamOfAThousandItemsArrivesInOrderOnce(SocketIOTransports transports)
    {
        var (socket, _) = await ConnectAsync(transports);
        var received = new List<int>();
        await foreach (var n in socket.Emitter<IStreamServer>().Count(1000, CancellationToken.None).WithCancellation(new CancellationTokenSource(s_wait).Token))
        {
            received.Add(n);
        }

        Assert.Equal(Enumerable.Range(0, 1000), received);
    }

    [Theory]
    [InlineData(SocketIOTransports.WebSocket)]
    [InlineData(SocketIOTransports.Polling)]
    public async Task ClientStreamsReachTheHub(SocketIOTransports transports)
    {
        var (socket, _) = await ConnectAsync(transports);
        var server = socket.Emitter<IStreamServer>();
        Assert.Equal(500500, await server.Sum(Numbers(1000)).WaitAsync(s_wait));

        var channel = Channel.CreateBounded<int>(4);
        var writing = Task.Run(async () =>
        {
            for (var i = 1; i <= 100; i++)
            {
                await channel.Writer.WriteAsync(i);
            }

            channel.Writer.Complete();
        });
        Assert.Equal(5050, await server.SumChannel(channel.Reader).WaitAsync(s_wait));
        await writing;
    }

    [Fact]
    public async Task ChannelReaderResultArrives()
    {
        var (socket, _) = await ConnectAsync();
        var reader = socket.Emitter<IStreamServer>().Words("a quick brown fox");
        var words = new List<string>();
        await foreach (var word in reader.ReadAllAsync().WithCancellation(new CancellationTokenSource(s_wait).Token))
        {
            words.Add(word);
        }

        Assert.Equal(["a", "quick", "brown", "fox"], words);
    }

    [Fact]
    public async Task TheServerConsumesAndProducesStreamsOfTheClientContract()
    {
        var (socket, _) = await ConnectAsync();
        var server = socket.Emitter<IStreamServer>();
        Assert.Equal(Enumerable.Range(1, 50).Sum(i => i * i), await server.AskSquares(50).WaitAsync(s_wait));
        Assert.Equal(Enumerable.Range(1, 300).Sum(), await server.SendTotal(300).WaitAsync(s_wait));
    }

    [Fact]
    public async Task ConsumerCancellingStopsTheProducer()
    {
        var (socket, probe) = await ConnectAsync();
        using var cts = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var n in socket.Emitter<IStreamServer>().Endless(cts.Token))
            {
                if (++seen == 20)
                {
                    cts.Cancel();
                }
            }
        });

        await probe.TokenFired.Task.WaitAsync(s_wait);
        await probe.Disposed.Task.WaitAsync(s_wait);
    }

    [Fact]
    public async Task BreakingOutOfTheEnumerationStopsTheProducer()
    {
        var (socket, probe) = await ConnectAsync();
        await foreach (var n in socket.Emitter<IStreamServer>().Endless(CancellationToken.None))
        {
            if (n == 5)
            {
                break;
            }
        }

        await probe.TokenFired.Task.WaitAsync(s_wait);
        await probe.Disposed.Task.WaitAsync(s_wait);
    }

    [Theory]
    [InlineData("E42", "broken on purpose", "E42")]
    [InlineData(null, "The stream failed.", "stream_error")]
    public async Task ProducerFailureReachesTheConsumer(string? code, string message, string expectedCode)
    {
        var (socket, _) = await ConnectAsync();
        var received = new List<int>();
        var error = await Assert.ThrowsAsync<SocketInvocationException>(async () =>
        {
            await foreach (var n in socket.Emitter<IStreamServer>().Fail(3, code).WithCancellation(new CancellationTokenSource(s_wait).Token))
            {
                received.Add(n);
            }
        });

        Assert.Equal([0, 1, 2], received);
        Assert.Equal(message, error.Message);
        Assert.Equal(expectedCode, error.Code);
    }

    [Fact]
    public async Task DisconnectEndsTheStreamOnBothEnds()
    {
        var (socket, probe) = await ConnectAsync();
        var serverSocket = await probe.Connected.Task.WaitAsync(s_wait);
        var error = await Assert.ThrowsAsync<SocketInvocationException>(async () =>
        {
            await foreach (var n in socket.Emitter<IStreamServer>().Endless(CancellationToken.None))
            {
                if (n == 10)
                {
                    serverSocket.Disconnect();
                }
            }
        }).WaitAsync(s_wait);

        Assert.Equal("disconnected", error.Code);
        await probe.TokenFired.Task.WaitAsync(s_wait);
        await probe.Disposed.Task.WaitAsync(s_wait);
    }

    [Fact]
    public async Task ASlowConsumerHoldsTheProducerAtTheWindow()
    {
        var (socket, probe) = await ConnectAsync();
        var server = socket.Emitter<IStreamServer>();
        await using var enumerator = server.Endless(CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());

        // The consumer read one item and stops: the producer may yield the whole window (16) and no more.
        while (await server.Produced().WaitAsync(s_wait) < 16)
        {
            await Task.Yield();
        }

        // Round trips through the same connection, in order after the items: still 16.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(16, await server.Produced().WaitAsync(s_wait));
        }

        Assert.Equal(16, Volatile.Read(ref probe.Yielded));
    }

    [Fact]
    public async Task ItemsPastTheCreditAndForUnknownStreamsAreRefused()
    {
        var (socket, probe) = await ConnectAsync();
        var cancels = Channel.CreateUnbounded<long>();
        socket.On("$stream:cancel", args => { cancels.Writer.TryWrite(args.Get<long>(0)); });

        // Unknown stream id: answered with a cancel, nothing buffered. (The socket has streams once one is opened.)
        var sum = socket.EmitWithAckAsync("sum", 7);
        await Task.Yield();
        socket.Emit("$stream:item", 999, 1);
        Assert.Equal(999, await cancels.Reader.ReadAsync().AsTask().WaitAsync(s_wait));

        // Stream 7 was granted 16 items: 20 in one event overflow it; the hub's enumeration fails and the producer is cancelled.
        socket.Emit("$stream:item", [7L, .. Enumerable.Repeat<object?>(1, 20)]);
        var error = Assert.IsType<SocketInvocationException>(await probe.SumFailed.Task.WaitAsync(s_wait));
        Assert.Equal("stream_overflow", error.Code);
        Assert.Equal(7, await cancels.Reader.ReadAsync().AsTask().WaitAsync(s_wait));
        // The hub's failure is the caller's error answer (docs/streaming.md, README "Errors").
        var reply = await sum.WaitAsync(s_wait);
        Assert.True(reply.TryGetError(out var answered));
        Assert.Equal("stream_overflow", answered.Code);
    }

    [Fact]
    public async Task AStreamArgumentNobodyConsumesFreesItsSlotAfterTheStartTimeout()
    {
        var time = new FakeTimeProvider();
        var (socket, _) = await ConnectAsync(SocketIOTransports.WebSocket, time);

        // The hub does not handle "total" (a method of the client contract): no credit ever comes for its stream.
        var total = socket.Emitter<IStreamClient>().Total(Numbers(5));
        Assert.Equal(1, socket.Streams.Count);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, socket.Streams.Count);

        time.Advance(TimeSpan.FromSeconds(1));
        await TypedSockets.Testing.Eventually.TrueAsync(() => socket.Streams.Count == 0, "the idle stream is closed");

        // Nobody answers "total": at most the client's own ack timeout (30 s by default, passed on the same clock) ends it.
        Assert.False(total.IsCompletedSuccessfully);
    }
}
