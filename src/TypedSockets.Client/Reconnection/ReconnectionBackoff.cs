namespace TypedSockets.Client.Reconnection;

/// <summary>
/// Exponential backoff with jitter, as socket.io-client's: attempt n waits <c>min * 2^n</c>, moved by up to
/// <c>factor * that</c> up or down, capped at <c>max</c>. Not thread safe (the manager's reconnection loop owns it).
/// </summary>
public sealed class ReconnectionBackoff
{
    private readonly Func<double> _random;

    /// <summary>A backoff whose first delay is about <paramref name="min"/>.</summary>
    /// <param name="min">The base delay of the first attempt; must not be negative.</param>
    /// <param name="max">The cap on every delay; a value below <paramref name="min"/> is taken as <paramref name="min"/>.</param>
    /// <param name="randomizationFactor">The jitter, from 0 (none) to 1 (a delay anywhere between 0 and twice its base).</param>
    /// <param name="random">Uniform values in [0, 1) for the jitter; a shared thread-safe generator when null (tests pass a fixed sequence).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="min"/> is negative or <paramref name="randomizationFactor"/> is outside [0, 1].</exception>
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

    /// <summary>The base delay of the first attempt; each later attempt doubles it.</summary>
    public TimeSpan Min { get; }

    /// <summary>The longest delay <see cref="NextDelay"/> returns, jitter included.</summary>
    public TimeSpan Max { get; }

    /// <summary>The jitter as a fraction of the base delay (0 to 1): each delay moves up or down by up to this share.</summary>
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
