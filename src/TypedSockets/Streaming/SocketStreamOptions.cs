namespace TypedSockets.Streaming;

/// <summary>Limits of the streams of one socket (docs/streaming.md).</summary>
public sealed class SocketStreamOptions
{
    private int _windowSize = 16;
    private int _maxStreams = 16;
    private TimeSpan _startTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The largest window a consumer may grant: a producer never holds more credit than this.</summary>
    internal const int MaxWindowSize = 65536;

    /// <summary>
    /// How many items this side lets a producer have in flight per stream it consumes (the credit window), and so how
    /// many it buffers at most per stream. Default 16.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 65536.</exception>
    public int WindowSize
    {
        get => _windowSize;
        set => _windowSize = value is >= 1 and <= MaxWindowSize ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The stream window must be between 1 and 65536 items.");
    }

    /// <summary>
    /// How many streams one socket may have open at once, both directions counted (streams it produces and streams it
    /// consumes). A stream past the limit is refused with the error code <c>stream_limit</c>. Default 16.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxStreams
    {
        get => _maxStreams;
        set => _maxStreams = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one stream must be allowed.");
    }

    /// <summary>
    /// How long a stream this side produces waits for the consumer's first credit. A stream still without credit then
    /// ends with the error code <c>stream_timeout</c> and frees its place under <see cref="MaxStreams"/>: a stream
    /// argument of an event the peer never handles, or a result stream whose stream id the caller ignores, holds no
    /// slot until the connection closes. Default 30 seconds; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and not infinite.</exception>
    public TimeSpan StartTimeout
    {
        get => _startTimeout;
        set => _startTimeout = value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The stream start timeout must be positive or infinite.");
    }
}
