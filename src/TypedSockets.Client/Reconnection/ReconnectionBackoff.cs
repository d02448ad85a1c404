namespace TypedSockets.Client.Reconnection;

/// <summary>
/// Exponential backoff with jitter, as socket.io-client's: attempt n waits <c>min * 2^n</c>, moved by up to
/// <c>factor * that</c> up or down, capped at <c>max</c>. Not thread safe (the manager's reconnection loop owns it).
/// </summary>
public sealed class ReconnectionBackoff
{
    private readonly Func<double> _random;

    public ReconnectionBackoff(TimeSpan min, TimeSpan max, double randomizationFactor, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(min.Ticks, nameof(min));
        if (randomizationFactor is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(randomizationFactor));
        }

        Min = min;
        Max = max < min ? min : max;
        RandomizationFactor = randomizationFactor;
        _random = random ?? System.Random.Shared.NextDouble;
    }

    public TimeSpan Min { get; }

    public TimeSpan Max { get; }

    public double RandomizationFactor { get; }

    /// <summary>How many delays were handed out since the last <see cref="Reset"/>.</summary>
    public int Attempts { get; private set; }

    /// <summary>The delay before the next attempt; counts an attempt.</summary>
    public TimeSpan NextDelay()
    {
        var ms = Min.TotalMilliseconds * Math.Pow(2, Attempts++);
        if (RandomizationFactor > 0)
        {
            var rand = _random();
            var deviation = Math.Floor(rand * RandomizationFactor * ms);
            // socket.io-client picks the direction from the same random draw.
            ms = ((int)Math.Floor(rand * 10) & 1) == 0 ? ms - deviation : ms + deviation;
        }

        ms = Math.Min(ms, Max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Max(0, ms));
    }

    /// <summary>Starts again from <see cref="Min"/>.</summary>
    public void Reset() => Attempts = 0;
}
