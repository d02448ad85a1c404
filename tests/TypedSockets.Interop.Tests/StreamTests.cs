using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using TypedSockets.TestContracts;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// Typed streams (docs/streaming.md) with the official npm socket.io-client: the JavaScript helper the docs embed
/// (node/stream-helper.mjs) against a typed hub, and a hostile peer speaking the stream protocol by hand
/// (node/stream-client.mjs runs the scenarios).
/// </summary>
public sealed class StreamTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    /// <summary>What a socket's producers did, by socket id.</summary>
    private sealed class Probe
    {
        public int Yielded;
        public readonly TaskCompletionSource TokenFired = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static readonly ConcurrentDictionary<string, Probe> s_probes = new();

    private static Probe ProbeOf(string socketId) => s_probes.GetOrAdd(socketId, _ => new Probe());

    public sealed class StreamHub : SocketHub<IStreamServer, IStreamClient>, IStreamServer
    {
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
            var probe = ProbeOf(Socket.Id);
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
            await foreach (var n in numbers)
            {
                sum += n;
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

        public Task<int> Produced() => Task.FromResult(Volatile.Read(ref ProbeOf(Socket.Id).Yielded));

        public Task<int> AskSquares(int count) => Task.FromResult(0);

        public Task<int> SendTotal(int count) => Task.FromResult(0);
    }

    /// <summary>One run of node/stream-client.mjs: its stdout lines as JSON, "go" on stdin to continue.</summary>
    private sealed class StreamClient : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
        private readonly List<string> _stderr = [];

        private StreamClient(Process process, ITestOutputHelper output)
        {
            _process = process;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not { Length: > 0 } line)
                {
                    _lines.Writer.TryComplete();
                    return;
                }

                output.WriteLine("[node] " + (line.Length > 400 ? line[..400] + "..." : line));
                _lines.Writer.TryWrite(JsonDocument.Parse(line).RootElement.Clone());
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lock (_stderr)
                    {
                        _stderr.Add(line);
                    }

                    output.WriteLine("[node stderr] " + line);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public static async Task<StreamClient> StartAsync(Uri url, string scenario, string transport, ITestOutputHelper output)
        {
            await NodeEnvironment.EnsureReadyAsync();
            var info = new ProcessStartInfo("node")
            {
                WorkingDirectory = NodeEnvironment.Directory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(Path.Combine(NodeEnvironment.Directory, "stream-client.mjs"));
            info.ArgumentList.Add(url.ToString());
            info.ArgumentList.Add(scenario);
            info.ArgumentList.Add("--transport");
            info.ArgumentList.Add(transport);
            return new StreamClient(Process.Start(info) ?? throw new InvalidOperationException("Could not start node."), output);
        }

        /// <summary>The next line of <paramref name="type"/> (earlier lines of other types are skipped).</summary>
        public async Task<JsonElement> NextAsync(string type)
        {
            using var timeout = new CancellationTokenSource(s_wait);
            try
            {
                while (await _lines.Reader.WaitToReadAsync(timeout.Token))
                {
                    while (_lines.Reader.TryRead(out var line))
                    {
                        if (line.GetProperty("type").GetString() == type)
                        {
                            return line;
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            lock (_stderr)
            {
                throw new Xunit.Sdk.XunitException($"stream-client.mjs printed no \"{type}\" line. stderr:\n" + string.Join('\n', _stderr));
            }
        }

        public Task ContinueAsync() => _process.StandardInput.WriteLineAsync("go");

        public async ValueTask DisposeAsync()
        {
            try
            {
                _process.StandardInput.Close();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }

    private static Task<InteropServer> StartAsync(ITestOutputHelper? output, Action<SocketIOServerOptions>? options = null) =>
        InteropServer.StartAsync(io => io.MapNamespace<StreamHub>("/"), output, options);

    private static SocketIOSocket SocketOf(InteropServer server, string id) => server.Io.Of("/").Sockets.Values.Single(s => s.Id == id);

    [Fact]
    public void TheDocsEmbedTheHelperVerbatim()
    {
        var helper = File.ReadAllText(Path.Combine(NodeEnvironment.Directory, "stream-helper.mjs")).ReplaceLineEndings("\n");
        var docs = File.ReadAllText(Path.Combine(NodeEnvironment.Directory, "..", "..", "..", "docs", "streaming.md")).ReplaceLineEndings("\n");
        Assert.Contains("```js\n" + helper + "```\n", docs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task TheHelperConsumesAThousandItemsInOrder(string transport)
    {
        await using var server = await StartAsync(output);
        await using var client = await StreamClient.StartAsync(server.Url, "consume", transport, output);
        Assert.Equal(Enumerable.Range(0, 1000), (await client.NextAsync("items")).GetProperty("items").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["a", "quick", "brown", "fox"], (await client.NextAsync("words")).GetProperty("words").EnumerateArray().Select(e => e.GetString()));
        await client.NextAsync("done");
    }

    [Fact]
    public async Task BreakingOutOfTheHelpersLoopCancelsTheHubsProducer()
    {
        await using var server = await StartAsync(output);
        await using var client = await StreamClient.StartAsync(server.Url, "cancel", "websocket", output);
        var probe = ProbeOf((await client.NextAsync("connected")).GetProperty("id").GetString()!);
        Assert.Equal(20, (await client.NextAsync("cancelled")).GetProperty("seen").GetInt32());
        await probe.TokenFired.Task.WaitAsync(s_wait);
        await probe.Disposed.Task.WaitAsync(s_wait);
    }

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task TheHelperUploadsAHundredItemsWithinTheCredit(string transport)
    {
        await using var server = await StartAsync(output);
        await using var client = await StreamClient.StartAsync(server.Url, "produce", transport, output);
        var result = await client.NextAsync("sum");
        Assert.Equal(5050, result.GetProperty("sum").GetInt32());
        Assert.Equal(100, result.GetProperty("pulled").GetInt32());

        // The helper takes an item from its iterable only once the hub granted credit for it.
        Assert.True(result.GetProperty("maxAhead").GetInt32() <= 0, "items taken beyond the credit: " + result.GetProperty("maxAhead"));
    }

    [Fact]
    public async Task AProducerErrorIsAJavaScriptErrorWithMessageAndCode()
    {
        await using var server = await StartAsync(output);
        await using var client = await StreamClient.StartAsync(server.Url, "error", "websocket", output);
        var coded = await client.NextAsync("error");
        Assert.Equal([0, 1, 2], coded.GetProperty("items").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("broken on purpose", coded.GetProperty("message").GetString());
        Assert.Equal("E42", coded.GetProperty("code").GetString());
        var generic = await client.NextAsync("error");
        Assert.Equal("The stream failed.", generic.GetProperty("message").GetString());
        Assert.Equal("stream_error", generic.GetProperty("code").GetString());
    }

    [Fact]
    public async Task StreamsPastTheLimitAreRefusedInTheAck()
    {
        await using var server = await StartAsync(output, o => o.Streams.MaxStreams = 2);
        await using var client = await StreamClient.StartAsync(server.Url, "limit", "websocket", output);
        var result = await client.NextAsync("result-refused");
        Assert.Equal("stream_limit", result.GetProperty("code").GetString());

        // A refused stream argument answers the caller's ack with the error instead of leaving it to time out.
        var argument = (await client.NextAsync("argument-refused")).GetProperty("reply").GetProperty("error");
        Assert.Equal("stream_limit", argument.GetProperty("code").GetString());
        Assert.Equal("Too many open streams on this connection (the limit is 2).", argument.GetProperty("message").GetString());

        Assert.Equal(6, (await client.NextAsync("sum")).GetProperty("sum").GetInt32());
    }

    [Fact]
    public async Task AHostilePeerGetsProtocolAnswersAndBoundedState()
    {
        await using var server = await StartAsync(output: null);
        await using var client = await StreamClient.StartAsync(server.Url, "hostile", "websocket", output);
        var socket = SocketOf(server, (await client.NextAsync("connected")).GetProperty("id").GetString()!);

        // 1,000 credits of int.MaxValue or 1e300 after a window of 16: the producer never holds more than 16.
        await client.NextAsync("flooded");
        Assert.InRange(socket.Streams.MaxProducerCredit, 0, 16);
        Assert.Equal(1, socket.Streams.Count);
        await client.ContinueAsync();

        var opened = await client.NextAsync("opened");
        Assert.Equal(15, opened.GetProperty("ids").GetInt32());
        Assert.Equal(10000 - 15, opened.GetProperty("refused").GetInt32());
        var cancels = opened.GetProperty("cancels").EnumerateArray().Select(e => e.GetInt64()).ToHashSet();
        Assert.Contains(999L, cancels);
        Assert.Contains(-1L, cancels);
        Assert.Contains(77L, cancels);
        Assert.InRange(socket.Streams.Count, 0, 16);
        Assert.InRange(socket.Streams.BufferedCount, 0, 16 * 16);
        Assert.InRange(socket.Streams.MaxProducerCredit, 0, 16);
        await client.ContinueAsync();

        await client.NextAsync("alive");
        Assert.True(socket.Connected);
        await client.ContinueAsync();
    }
}
