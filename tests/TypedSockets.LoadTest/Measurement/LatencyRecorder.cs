using System.Diagnostics;
using HdrHistogram;


namespace TypedSockets.LoadTest.Measurement;

/// <summary>A thread-safe HdrHistogram of latencies in microseconds (1 µs .. 60 s, 3 significant digits).</summary>
public sealed class LatencyRecorder
{
    private readonly Lock _lock = new();
    private readonly LongHistogram _histogram = new(60_000_000, 3);

    public void RecordSince(long startTimestamp, long nowTimestamp)
    {
        var us = (long)((nowTimestamp - startTimestamp) * 1_000_000.0 / Stopwatch.Frequency);
        lock (_lock)
        {
            _histogram.RecordValue(Math.Clamp(us, 1, _histogram.HighestTrackableValue));
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _histogram.Reset();
        }
    }

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _histogram.TotalCount;
            }
        }
    }

    public (double P50, double P99, double P999)? Percentiles()
    {
        lock (_lock)
        {
            if (_histogram.TotalCount == 0)
            {
                return null;
            }

            return (_histogram.GetValueAtPercentile(50), _histogram.GetValueAtPercentile(99), _histogram.GetValueAtPercentile(99.9));
        }
    }
}
