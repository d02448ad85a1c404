using System.Diagnostics;
using System.Text.Json;
using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using TypedSockets.TestContracts;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// Acknowledgements from the official npm socket.io-client to a typed hub's generated emitters: one socket's reply,
/// and an acknowledged typed broadcast with one result per client (node/typed-answerer.mjs).
/// </summary>
public sealed class TypedAckTests(ITestOutputHelper output)
{
    /// <summary>One node/typed-answerer.mjs process; its stdout lines as JSON.</summary>
    private sealed class Answerer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<JsonElement> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Answerer(Process process, ITestOutputHelper output, string name)
        {
            _process = process;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not { Length: > 0 } line)
                {
                    return;
                }

                output.WriteLine($"[{name}] {line}");
                var json = JsonDocument.Parse(line).RootElement.Clone();
                if (json.GetProperty("type").GetString() == "joined")
                {
                    _joined.TrySetResult(json);
                }
            };
            process.ErrorDataReceived += (_, e) => output.WriteLine($"[{name} stderr] {e.Data}");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Task<JsonElement> Joined => _joined.Task.WaitAsync(TimeSpan.FromSeconds(20));

        public static async Task<Answerer> StartAsync(Uri url, string name, int answerDelayMs, string room, ITestOutputHelper output)
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
            info.ArgumentList.Add(Path.Combine(NodeEnvironment.Directory, "typed-answerer.mjs"));
            info.ArgumentList.Add(url.ToString());
            info.ArgumentList.Add(name);
            info.ArgumentList.Add(answerDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            info.ArgumentList.Add(room);
            return new Answerer(Process.Start(info) ?? throw new InvalidOperationException("Could not start node."), output, name);
        }

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

    [Fact]
    public async Task HubEmitterAndAcknowledgedBroadcastGetTheNodeClientsReplies()
    {
        await using var server = await InteropServer.StartAsync(io => io.MapNamespace<TypedHubTests.ShapesHub>("/"), output);
        await using var fast = await Answerer.StartAsync(server.Url, "fast", 0, "poll", output);
        await using var slow = await Answerer.StartAsync(server.Url, "slow", 3000, "poll", output);
        await using var outsider = await Answerer.StartAsync(server.Url, "outsider", 0, "elsewhere", output);
        var fastId = (await fast.Joined).GetProperty("id").GetString();
        await slow.Joined;
        await outsider.Joined;

        // One socket: the generated emitter awaits the client's callback.
        var fastSocket = server.Io.Of("/").Sockets.Values.Single(s => s.Id == fastId);
        Assert.Equal("fast says why", await fastSocket.Emitter<IShapesClient>().Ask("why").WaitAsync(TimeSpan.FromSeconds(10)));

        // The room "poll": fast answers, slow answers after the timeout, the outsider is not asked.
        var results = await server.Io.Of("/").Clients<IShapesClient>().To("poll").Timeout(TimeSpan.FromMilliseconds(1000)).Ask("ready?")
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, results.Count);
        Assert.Equal(1, results.TimedOutCount);
        Assert.Equal(["fast says ready?"], results.Values);
        Assert.True(results[0].Replied);
        Assert.True(results[1].IsTimedOut);
    }
}
