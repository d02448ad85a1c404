using TypedSockets.Client.Reconnection;

namespace TypedSockets.Client.Tests.Unit;

public sealed class ReconnectionBackoffTests
{
    [Fact]
    public void DelaysDoubleUpToTheMaximumWithoutJitter()
    {
        var backoff = new ReconnectionBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000), 0);
        var delays = Enumerable.Range(0, 6).Select(_ => backoff.NextDelay().TotalMilliseconds).ToArray();
        Assert.Equal([100, 200, 400, 800, 1000, 1000], delays);
        Assert.Equal(6, backoff.Attempts);
    }

    [Fact]
    public void ResetStartsAgainFromTheMinimum()
    {
        var backoff = new ReconnectionBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 0);
        backoff.NextDelay();
        backoff.NextDelay();
        backoff.Reset();
        Assert.Equal(0, backoff.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay());
    }

    [Theory]
    [InlineData(0.0, 1000)] // floor(0 * 10) is even: minus floor(0 * 0.5 * 1000)
    [InlineData(0.15, 1075)] // floor(1.5) is odd: plus floor(0.15 * 0.5 * 1000)
    [InlineData(0.25, 875)] // floor(2.5) is even: minus floor(0.25 * 0.5 * 1000)
    [InlineData(0.99, 1495)] // odd: plus floor(0.99 * 0.5 * 1000)
    public void JitterFollowsTheReferenceFormula(double random, double expectedMs)
    {
        var backoff = new ReconnectionBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 0.5, () => random);
        Assert.Equal(expectedMs, backoff.NextDelay().TotalMilliseconds);
    }

    [Fact]
    public void JitteredDelaysStayWithinTheFactorAndUnderTheMaximum()
    {
        var random = new Random(1234);
        var backoff = new ReconnectionBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(5000), 0.5, random.NextDouble);
        var seen = new HashSet<double>();
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var nominal = 500 * Math.Pow(2, attempt);
            var delay = backoff.NextDelay().TotalMilliseconds;
            Assert.InRange(delay, Math.Min(nominal * 0.5, 5000), Math.Min(nominal * 1.5, 5000));
            seen.Add(delay);
        }

        Assert.True(seen.Count > 3, "jitter should spread the delays");
    }

    [Fact]
    public void RejectsAFactorOutsideZeroToOne()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectionBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 1.5));
    }
}
