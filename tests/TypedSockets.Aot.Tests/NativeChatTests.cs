using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace TypedSockets.Aot.Tests;

/// <summary>
/// The chat samples as Native AOT binaries: the server serves its page and talks to the official npm socket.io-client,
/// and the native console client chats through it. Nothing here runs on the JIT: a type without source-generated JSON
/// metadata, or code the trimmer removed, fails these tests and no other.
/// </summary>
public sealed partial class NativeChatTests(NativeSamples samples, ITestOutputHelper output) : IClassFixture<NativeSamples>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private static readonly string s_nodeFolder = Path.Combine(RepositoryRoot.Path, "tests", "TypedSockets.Aot.Tests", "node");

    [Fact]
    public void TheSamplesArePublishedAsNativeExecutables()
    {
        foreach (var (name, time) in samples.PublishTimes)
        {
            output.WriteLine($"{name}: published in {time.TotalSeconds:F0} s");
        }

        foreach (var (path, directory) in new[] { (samples.ServerPath, samples.ServerDirectory), (samples.ClientPath, samples.ClientDirectory) })
        {
            Assert.True(File.Exists(path), $"{path} was not published");
            var header = new byte[4];
            using (var file = File.OpenRead(path))
            {
                file.ReadExactly(header);
            }

            Assert.True(header is [0x7f, (byte)'E', (byte)'L', (byte)'F'], $"{path} is not an ELF executable");
            Assert.Empty(Directory.GetFiles(directory, "*.dll", SearchOption.AllDirectories));
            output.WriteLine($"{Path.GetFileName(path)}: {new FileInfo(path).Length / 1_000_000.0:F1} MB");
        }

        // The page and the socket.io-client bundle it loads are published next to the server.
        Assert.True(File.Exists(Path.Combine(samples.ServerDirectory, "wwwroot", "index.html")), "wwwroot/index.html is missing");
        Assert.True(File.Exists(Path.Combine(samples.ServerDirectory, "wwwroot", "lib", "socket.io.min.js")), "wwwroot/lib/socket.io.min.js is missing");
    }

    [Fact]
    public async Task TheNpmSocketIOClientChatsWithTheNativeServer()
    {
        await using var server = await StartServerAsync();
        using var http = new HttpClient { BaseAddress = server.Url };
        var page = await http.GetStringAsync("/");
        Assert.Contains("socket.io.min.js", page, StringComparison.Ordinal);
        using var bundle = await http.GetAsync("/lib/socket.io.min.js");
        Assert.True(bundle.IsSuccessStatusCode, $"GET /lib/socket.io.min.js: {(int)bundle.StatusCode}");

        var result = await NodeScripts.RunAsync(s_nodeFolder, "native-chat.mjs", [server.Url.ToString()], TimeSpan.FromSeconds(60));
        output.WriteLine(result.StandardOutput);
        Assert.True(result.ExitCode == 0, $"{result}\n--- server ---\n{server.Process.Output}");
        Assert.Contains("PASS ", result.StandardOutput, StringComparison.Ordinal);

        // The server logs sign-ins at Information; nothing failed on its side (a missing JSON type would log here).
        await server.Process.WaitForOutputAsync("Alice", s_wait);
        Assert.DoesNotContain("fail:", server.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", server.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NativeConsoleClientsChatThroughTheNativeServer()
    {
        await using var server = await StartServerAsync();
        var url = server.Url.ToString().TrimEnd('/');
        await using var carol = TestProcess.Start(samples.ClientPath, ["--url", url, "--name", "carol", "--room", "aot"]);
        await carol.WaitForOutputAsync("signed in as carol", s_wait);
        await carol.WaitForOutputAsync("in #aot with carol", s_wait);

        await using var dave = TestProcess.Start(samples.ClientPath, ["--url", url, "--name", "dave", "--room", "aot"]);
        await dave.WaitForOutputAsync("in #aot with carol, dave", s_wait);
        await carol.WaitForOutputAsync("* dave joined #aot", s_wait);

        // A post: the sender prints its acknowledged message, the other client the event.
        await dave.WriteLineAsync("hello carol, from a native client");
        await dave.WaitForOutputAsync("[aot] dave: hello carol, from a native client", s_wait);
        await carol.WaitForOutputAsync("[aot] dave: hello carol, from a native client", s_wait);

        await carol.WriteLineAsync("/rooms");
        await carol.WaitForOutputAsync("aot (2)", s_wait);
        await carol.WriteLineAsync("/join");
        await carol.WaitForOutputAsync("! commands: /join <room>, /leave, /rooms, /quit", s_wait);

        await dave.WriteLineAsync("/quit");
        Assert.Equal(0, await dave.WaitForExitAsync(s_wait));
        Assert.Contains("bye", dave.Output, StringComparison.Ordinal);
        await carol.WaitForOutputAsync("* dave left #aot", s_wait);

        await carol.WriteLineAsync("/quit");
        Assert.Equal(0, await carol.WaitForExitAsync(s_wait));
        Assert.DoesNotContain("! ", carol.Output.Replace("! commands:", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        output.WriteLine(carol.Output);
        Assert.DoesNotContain("fail:", server.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheNativeClientReportsAServerThatCannotBeReached()
    {
        // A port nothing listens on: the client retries for its reply timeout (10 s), says so and exits with 1.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var client = TestProcess.Start(samples.ClientPath, ["--url", $"http://127.0.0.1:{port}", "--name", "erin"]);
        Assert.Equal(1, await client.WaitForExitAsync(s_wait));
        Assert.Matches($@"^! (cannot connect to|no answer from) http://127\.0\.0\.1:{port}/", client.Output);
    }

    private async Task<RunningServer> StartServerAsync()
    {
        var process = TestProcess.Start(samples.ServerPath, ["--port", "0"], samples.ServerDirectory);
        try
        {
            await process.WaitForOutputAsync("Now listening on: ", s_wait);
            var match = ListeningOn().Match(process.Output);
            Assert.True(match.Success, process.Output);
            return new RunningServer(process, new Uri(match.Groups[1].Value + "/"));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();

    private sealed record RunningServer(TestProcess Process, Uri Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
