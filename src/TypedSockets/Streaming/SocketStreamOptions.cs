namespace TypedSockets.Streaming;

/// <summary>Limits of the streams of one socket (docs/streaming.md).</summary>
public sealed class SocketStreamOptions
{
    private int _windowSize = 16;
    private int _maxStreams = 16;

    /// <summary>
    /// How many items this side lets a producer have in flight per stream it consumes (the credit window), and so how
    /// many it buffers at most per stream. Default 16.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 65536.</exception>
    public int WindowSize
    {
        get => _windowSize;
        set => _windowSize = value is >= 1 and <= 65536 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The stream window must be between 1 and 65536 items.");
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
}
