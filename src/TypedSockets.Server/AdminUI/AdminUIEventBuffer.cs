namespace TypedSockets.Server.AdminUI;

/// <summary>
/// Counts per second of what the UI charts (<c>aggregatedEvents</c> of <c>server_stats</c>): raw connections and
/// disconnections (by reason), packets and bytes in and out. Drained at every statistics tick; thread safe.
/// </summary>
internal sealed class AdminUIEventBuffer
{
    private const int MaxEntries = 10_000; // a stalled drain cannot grow it without bound (one entry per second, type and reason)

    private readonly TimeProvider _time;
    private readonly Lock _sync = new();
    private Dictionary<(long Timestamp, string Type, string? SubType), long> _counts = [];

    public AdminUIEventBuffer(TimeProvider time) => _time = time;

    public void Add(string type, string? subType = null, long count = 1)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var key = (now - (now % 1000), type, subType);
        lock (_sync)
        {
            if (_counts.TryGetValue(key, out var existing))
            {
                _counts[key] = existing + count;
            }
            else if (_counts.Count < MaxEntries)
            {
                _counts[key] = count;
            }
        }
    }

    /// <summary>The counts since the last call, as the UI reads them: <c>{timestamp, type, subType?, count}</c>.</summary>
    public object?[] Drain()
    {
        Dictionary<(long Timestamp, string Type, string? SubType), long> counts;
        lock (_sync)
        {
            if (_counts.Count == 0)
            {
                return [];
            }

            counts = _counts;
            _counts = [];
        }

        var result = new object?[counts.Count];
        var i = 0;
        foreach (var ((timestamp, type, subType), count) in counts)
        {
            var entry = new Dictionary<string, object?>(4, StringComparer.Ordinal)
            {
                ["timestamp"] = timestamp,
                ["type"] = type,
                ["count"] = count,
            };
            if (subType is not null)
            {
                entry["subType"] = subType;
            }

            result[i++] = entry;
        }

        return result;
    }
}
