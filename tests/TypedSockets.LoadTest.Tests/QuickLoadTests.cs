using TypedSockets.LoadTest.Scenarios;

namespace TypedSockets.LoadTest.Tests;

/// <summary>
/// The quick mode of the load tool as a smoke test: each scenario runs with a small N against every target and
/// delivers what it should. No throughput, latency or memory figure is asserted.
/// </summary>
public sealed class QuickLoadTests
{
    public static TheoryData<string> Targets => ["typedsockets", "typedsockets-msgpack", "signalr", "raw", "node"];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task EchoClosedLoopAnswersEveryRequest(string target)
    {
        await using var server = await RunningTarget.StartAsync(target);
        var result = await new EchoScenario(server.Options(clients: 20)).RunAsync(CancellationToken.None);

        Assert.Equal(20, result.Connected);
        Assert.Equal(0, result.Failures); // connection failures plus requests never answered
        Assert.True(result.Operations > 0, "no round-trip completed in the measured window");
        Assert.NotNull(result.P99Us);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task EchoAtRateSendsTheScheduledRequests(string target)
    {
        await using var server = await RunningTarget.StartAsync(target);
        var result = await new EchoScenario(server.Options(clients: 10) with { Rate = 200 }).RunAsync(CancellationToken.None);

        Assert.Equal(0, result.Failures);
        // 200/s for 1 s, but how many complete inside the window depends on the machine's share of CPU and on the
        // scheduler catching up after a stall (104 and 332 seen in loaded runs): a timed bound would be a flaky test.
        // The rate itself is measured by the load tool's runs (docs/benchmarks.md), not asserted here.
        Assert.True(result.Operations > 0, "no scheduled request completed in the measured window");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task FanOutReachesEveryClientInEveryRound(string target)
    {
        await using var server = await RunningTarget.StartAsync(target);
        var result = await new FanOutScenario(server.Options(clients: 25)).RunAsync(CancellationToken.None);

        Assert.Equal(25, result.Connected);
        Assert.Equal(0, result.Failures);
        Assert.True(result.Operations > 0, "no broadcast round completed in the measured window");
        Assert.Equal(0, result.Operations % 25); // the window holds whole rounds: every broadcast reached all 25
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task IdleHoldsEveryConnectionAndReadsServerMemory(string target)
    {
        await using var server = await RunningTarget.StartAsync(target);
        var result = await new IdleScenario(server.Options(clients: 30)).RunAsync(CancellationToken.None);

        Assert.Equal(30, result.Connected);
        Assert.Equal(0, result.Failures);
        Assert.NotNull(result.RssBytesPerConnection);
        Assert.NotNull(result.HeapBytesPerConnection);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task ConnectStormCompletesEveryHandshake(string target)
    {
        await using var server = await RunningTarget.StartAsync(target);
        var result = await new ConnectStormScenario(server.Options(clients: 100)).RunAsync(CancellationToken.None);

        Assert.Equal(100, result.Connected);
        Assert.Equal(0, result.Failures);
    }

    [Fact]
    public async Task IdleSplitsConnectionsOverChildProcessesAboveThePerProcessLimit()
    {
        await using var server = await RunningTarget.StartAsync("typedsockets");
        var options = server.Options(clients: 25) with { ConnectionsPerProcess = 10 }; // three child processes

        var result = await new IdleScenario(options).RunAsync(CancellationToken.None);

        Assert.Equal(25, result.Connected);
        Assert.Equal(0, result.Failures);
    }

    [Fact]
    public async Task AClientThatCannotConnectIsCountedAsAFailure()
    {
        int port;
        await using (var server = await RunningTarget.StartAsync("raw"))
        {
            port = server.Port;
        }

        // Nothing listens on that port any more.
        var options = new ScenarioOptions
        {
            Target = "gone",
            Protocol = "raw",
            Server = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port),
            Clients = 5,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        var result = await new ConnectStormScenario(options).RunAsync(CancellationToken.None);

        Assert.Equal(0, result.Connected);
        Assert.Equal(5, result.Failures);
    }
}
