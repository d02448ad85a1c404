using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using TypedSockets.LoadTest.Measurement;
using TypedSockets.LoadTest.Reporting;
using TypedSockets.LoadTest.Scenarios;

namespace TypedSockets.LoadTest.Tests;

/// <summary>
/// The startup scenario and run-startup.sh with a small N against the benchmark target started as a child process
/// (the JIT build next to the test binaries). No start-up time, memory or throughput figure is asserted.
/// </summary>
public sealed class StartupTests
{
    private static readonly string TargetDll = Path.Combine(AppContext.BaseDirectory, "TypedSockets.LoadTest.Targets.dll");

    [Fact]
    public async Task EchoCountsRoundTripsPerSecondSinceTheServerStartAndStopsTheServer()
    {
        var options = Options("echo", clients: 5, "--target", "typedsockets", "--port", "{port}") with { Duration = TimeSpan.FromSeconds(10) }; // room for a slow start on a busy machine

        var result = await new StartupScenario(options).RunAsync(CancellationToken.None);

        Assert.Equal("startup", result.Scenario);
        Assert.Equal(5, result.Connected);
        Assert.Equal(0, result.Failures);
        Assert.True(result.StartupMs > 0);
        Assert.NotNull(result.StartupCpuMs);
        Assert.True(result.ConnectedMs >= result.StartupMs);
        Assert.True(result.RssStartBytes > 0);
        Assert.Equal(10, result.Buckets!.Length);
        Assert.Equal(10, result.ServerCpuBuckets!.Length);
        Assert.Equal(10, result.ClientCpuBuckets!.Length);
        Assert.True(result.Operations > 0, "no round-trip completed");
        Assert.Equal(result.Buckets.Sum(), result.Operations);
        Assert.True(result.ServerCpuBuckets.Sum() > 0, "the server's CPU was not read");
        await AssertNothingListensAsync(options.Server.Port);
    }

    [Fact]
    public async Task IdleReadsTheRssAtStartAndWithTheClientsHeld()
    {
        var directory = Directory.CreateTempSubdirectory("startup-publish").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(directory, "server"), new byte[1000]);
            File.WriteAllBytes(Path.Combine(directory, "server.dbg"), new byte[5000]); // symbols are not deployed
            File.WriteAllBytes(Path.Combine(directory, "lib.pdb"), new byte[3000]);
            var options = Options("idle", clients: 10, "--target", "typedsockets", "--port", "{port}")
                with { Settle = TimeSpan.FromMilliseconds(200), PublishDirectory = directory };

            var result = await new StartupScenario(options).RunAsync(CancellationToken.None);

            Assert.Equal(10, result.Connected);
            Assert.Equal(0, result.Failures);
            Assert.True(result.StartupMs > 0);
            Assert.True(result.RssStartBytes > 0);
            Assert.True(result.RssBytes > 0);
            Assert.Null(result.Buckets);
            Assert.Equal(1000, result.DeployBytes);
            await AssertNothingListensAsync(options.Server.Port);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task AServerThatExitsBeforeItsFirstHandshakeFailsTheRunWithItsOutput()
    {
        var options = Options("idle", clients: 1, "--target", "no-such-target", "--port", "{port}");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new StartupScenario(options).RunAsync(CancellationToken.None));

        Assert.Contains("exited with code", error.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-target", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCommandLineGivesTheServerCommandAFreePort()
    {
        var options = Program.ToScenarioOptions(Program.ParseOptions(["--mode", "idle", "--clients", "7"]), ["server", "--port", "{port}"]);

        Assert.Equal("idle", options.StartupMode);
        Assert.NotEqual(0, options.Server.Port);
        Assert.Equal(["server", "--port", options.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], options.ServerCommand);
    }

    [Fact]
    public void TheReportTakesMediansPerVariantAndShowsTheCurve()
    {
        var directory = Directory.CreateTempSubdirectory("startup-report").FullName;
        try
        {
            var results = Path.Combine(directory, "startup.jsonl");
            File.WriteAllLines(results, new[]
            {
                Echo("jit", startupMs: 900, rate: 1_000), Echo("jit", startupMs: 1_100, rate: 3_000), Echo("jit", startupMs: 1_000, rate: 2_000),
                Idle("jit", startupMs: 950), Echo("aot", startupMs: 100, rate: 4_000), Idle("aot", startupMs: 120),
            }.Select(r => JsonSerializer.Serialize(r, ResultJsonContext.Default.ScenarioResult)));
            var doc = Path.Combine(directory, "benchmarks.md");
            File.WriteAllText(doc, "# Benchmarks\n\n## Load test\n\nkept\n");

            StartupReportWriter.Write(results, doc, metaPath: null, notesPath: null);

            var text = File.ReadAllText(doc);
            Assert.Contains("## Load test\n\nkept\n", text, StringComparison.Ordinal);
            // jit: startup median of 900, 950, 1000, 1100; echo: buckets of 0, then `rate` for 19 s, so 0-10 s = 0.9 x rate.
            Assert.Contains("| jit | 4 | 975 (900-1100) | 490 | 64.0 | 80.0 (1,000) | 12.3 | 0 |", text, StringComparison.Ordinal);
            // Server CPU 1.0 core per second: 10 s over 9 x 2,000 round-trips in the first window, 10 s over 20,000 in the late one.
            Assert.Contains("| jit | 0.5 | 1,800 | 2,000 | 90% | 555.6 | 500.0 | 1.00 | 0.50 |", text, StringComparison.Ordinal);
            Assert.Contains("| aot | 2 | 110 (100-120) |", text, StringComparison.Ordinal);
            Assert.Contains("| variant | 1 s | 2 s | 3 s | 4 s | 5 s | 6 s | 7 s | 8 s | 9 s | 10 s | 20 s |", text, StringComparison.Ordinal);
            Assert.Contains("| jit | 0.0 | 2.0 | 2.0 |", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task TheScriptParsesAndRejectsAnUnknownVariant()
    {
        var script = Path.Combine(RunningTarget.RepositoryRoot(), "tests", "TypedSockets.LoadTest", "run-startup.sh");

        Assert.Equal(0, await RunAsync("bash", "-n", script));
        Assert.Equal(0, await RunAsync("bash", script, "--help"));
        Assert.Equal(2, await RunAsync("bash", script, "--variants", "interpreted"));
    }

    private static ScenarioOptions Options(string mode, int clients, params string[] targetArguments) =>
        Program.ToScenarioOptions(
            Program.ParseOptions(["--mode", mode, "--protocol", "socketio", "--target", "test", "--clients", clients.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sources", "2"]),
            ["dotnet", TargetDll, .. targetArguments]);

    private static async Task AssertNothingListensAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(System.Net.IPAddress.Loopback, port));
    }

    private static async Task<int> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await Task.WhenAll(output, error);
        return process.ExitCode;
    }

    private static ScenarioResult Echo(string variant, double startupMs, long rate) => new()
    {
        Target = variant,
        Scenario = "startup",
        Mode = "echo",
        Clients = 1000,
        Connected = 1000,
        StartupMs = startupMs,
        StartupCpuMs = startupMs / 2,
        RssStartBytes = 64L << 20,
        ConnectedMs = 500,
        DeployBytes = 12_300_000,
        Buckets = [0, .. Enumerable.Repeat(rate, 19)],
        ServerCpuBuckets = [.. Enumerable.Repeat(1.0, 20)],
        ClientCpuBuckets = [.. Enumerable.Repeat(0.5, 20)],
        Operations = rate * 19,
        Seconds = 20,
        LoadAverage = 1,
    };

    private static ScenarioResult Idle(string variant, double startupMs) => new()
    {
        Target = variant,
        Scenario = "startup",
        Mode = "idle",
        Clients = 1000,
        Connected = 1000,
        StartupMs = startupMs,
        StartupCpuMs = 480,
        RssStartBytes = 64L << 20,
        RssBytes = 80L << 20,
        DeployBytes = 12_300_000,
        LoadAverage = 1,
    };
}
