using TypedSockets.LoadTest.Measurement;
using TypedSockets.LoadTest.Scenarios;
using TypedSockets.LoadTest.Targets;

namespace TypedSockets.LoadTest.Tests;

/// <summary>
/// The short, deterministic version of the soak run (the long one is tests/TypedSockets.LoadTest/run-soak.sh): 50
/// clients for a few seconds of mixed traffic with churn forced at 10% of the clients per second, checking the same
/// invariants. No time or memory figure is asserted.
/// </summary>
public sealed class SoakTests
{
    [Fact]
    public async Task AShortSoakWithChurnLosesNoAcknowledgementAndNoBroadcast()
    {
        await using var server = await RunningTarget.StartAsync("soak");
        var options = server.Options(clients: 50) with { Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(1) };
        var soak = new SoakOptions
        {
            Rooms = 4,
            RequestRate = 100,
            PublishRate = 20,
            JoinLeaveRate = 10,
            ChurnPercentPerSecond = 10,
            ReconnectDelay = TimeSpan.FromMilliseconds(200),
            SampleInterval = TimeSpan.FromMilliseconds(500),
            // Reconnect only once the server has handled the drop (and kept the session), however loaded the machine.
            BeforeReconnect = WaitUntilDisconnectedAsync,
        };

        var result = await new SoakScenario(options, soak).RunAsync(CancellationToken.None);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(0, result.InitialConnectFailures);
        Assert.True(result.AcksSent > 0 && result.Publishes > 0 && result.Joins >= 100 && result.BroadcastsReceived > 0, result.ToString());
        Assert.Equal(result.AcksSent, result.AcksAnswered);
        Assert.Equal(0, result.AcksLost);
        Assert.Equal(0, result.Gaps);
        Assert.Equal(0, result.Duplicates);
        Assert.Equal(0, result.UnexpectedDisconnects);
        Assert.True(result.Drops > 0, "no client was dropped");
        Assert.Equal(result.Drops, result.Reconnects);
        Assert.Equal(0, result.RecoveryFailures);
        Assert.True(result.Recovered > 0, result.ToString());
        Assert.Equal(result.Reconnects, result.Recovered + result.FreshSessionsByDesign);
    }

    private static async Task WaitUntilDisconnectedAsync(string sid, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (SoakHub.IsConnected(sid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    [Fact]
    public void TheRssSlopeIsTheLeastSquaresFitInMiBPerMinute()
    {
        // 100 MiB growing 0.5 MiB every 5 s (6 MiB/min), with alternating noise of +-1 MiB that cancels out.
        var samples = Enumerable.Range(0, 24).Select(i => new SoakSample(i * 5, "traffic", 100 + i * 0.5 + (i % 2 == 0 ? 1 : -1), null, 10)).ToList();

        var slope = SoakScenario.Slope(samples);

        Assert.NotNull(slope);
        Assert.InRange(slope.Value, 5.5, 6.5);
        Assert.Null(SoakScenario.Slope(samples.Take(1).ToList()));
    }
}
