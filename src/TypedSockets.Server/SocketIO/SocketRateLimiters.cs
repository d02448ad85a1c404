using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace TypedSockets.Server;

/// <summary>
/// The event rate limiters of one server: one <see cref="SocketRateLimitPolicyState"/> per configured policy, and one
/// timer (100 ms, on the options' <see cref="TimeProvider"/>) that replenishes the limiters that do not replenish
/// themselves and disposes idle per-user limiters whose user has no socket left. Created only when a policy exists;
/// disposed (timer and every limiter) when the application stops.
/// </summary>
internal sealed class SocketRateLimiters : IDisposable
{
    internal static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, SocketRateLimitPolicyState> _byName;
    private readonly SocketRateLimitPolicyState[] _policies;
    private readonly ITimer _timer;
    private int _ticking;

    public SocketRateLimiters(SocketRateLimitOptions options, TimeProvider timeProvider)
    {
        _byName = new Dictionary<string, SocketRateLimitPolicyState>(StringComparer.Ordinal);
        var list = new List<SocketRateLimitPolicyState>();
        foreach (var (name, policy) in options.Policies)
        {
            var state = new SocketRateLimitPolicyState(name, list.Count, policy);
            list.Add(state);
            _byName.Add(name, state);
        }

        _policies = [.. list];
        DefaultRules = options.DefaultPolicy is { } defaultPolicy ? new SocketRateLimitRules(Resolve(defaultPolicy), null) : null;
        _timer = timeProvider.CreateTimer(static state => ((SocketRateLimiters)state!).Tick(), this, TickPeriod, TickPeriod);
    }

    /// <summary>The rules of a namespace that applies none of its own: the default policy, or null.</summary>
    public SocketRateLimitRules? DefaultRules { get; }

    public int Count => _policies.Length;

    /// <summary>The policy <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">No such policy.</exception>
    public SocketRateLimitPolicyState Resolve(string name) =>
        _byName.TryGetValue(name, out var policy)
            ? policy
            : throw new InvalidOperationException($"No rate limit policy is named '{name}': add it with options.RateLimiting.AddPolicy (or AddTokenBucketPolicy, AddFixedWindowPolicy).");

    /// <summary>Runs one timer tick now (tests).</summary>
    internal void Tick()
    {
        // A slow tick (many partitions) is never overlapped by the next one.
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return;
        }

        try
        {
            foreach (var policy in _policies)
            {
                policy.Tick();
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        foreach (var policy in _policies)
        {
            policy.Dispose();
        }
    }
}

/// <summary>
/// One policy's live limiters, one per partition key (a socket, or a user in a namespace), each counted by the sockets
/// holding it. Renting and returning take a lock (once per socket and policy, not per event); acquiring a permit does not.
/// </summary>
internal sealed class SocketRateLimitPolicyState : IDisposable
{
    private readonly ConcurrentDictionary<string, SocketRateLimitPartitionEntry> _entries = new(StringComparer.Ordinal);
    private readonly Func<RateLimiter> _create;
    private readonly Lock _sync = new();
    private bool _disposed;

    public SocketRateLimitPolicyState(string name, int index, SocketRateLimitPolicy policy)
    {
        Name = name;
        Index = index;
        Partition = policy.Partition;
        Action = policy.Action;
        _create = policy.CreateLimiter;
    }

    public string Name { get; }

    /// <summary>The policy's slot in a socket's <see cref="SocketRateLimitState"/>.</summary>
    public int Index { get; }

    public SocketRateLimitPartition Partition { get; }

    public SocketRateLimitAction Action { get; }

    /// <summary>The live partitions (tests).</summary>
    internal int PartitionCount => _entries.Count;

    /// <summary>The partition of <paramref name="key"/>, created when absent, counted as held once more; null once disposed.</summary>
    public SocketRateLimitPartitionEntry? Rent(string key)
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return null;
            }

            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new SocketRateLimitPartitionEntry(this, _create());
                _entries[key] = entry;
                entry.Key = key;
            }

            entry.Holders++;
            return entry;
        }
    }

    /// <summary>A socket lets go of <paramref name="entry"/>: a per-socket limiter is disposed at once, a per-user one when idle.</summary>
    public void Return(SocketRateLimitPartitionEntry entry)
    {
        lock (_sync)
        {
            if (--entry.Holders > 0 || Partition == SocketRateLimitPartition.PerUser || _disposed)
            {
                return;
            }

            _entries.TryRemove(new KeyValuePair<string, SocketRateLimitPartitionEntry>(entry.Key, entry));
        }

        entry.Limiter.Dispose();
    }

    public void Tick()
    {
        foreach (var (_, entry) in _entries)
        {
            var limiter = entry.Limiter;
            try
            {
                if (limiter is ReplenishingRateLimiter { IsAutoReplenishing: false } replenishing)
                {
                    replenishing.TryReplenish();
                }

                if (Volatile.Read(ref entry.Holders) == 0 && limiter.IdleDuration is not null)
                {
                    RemoveIdle(entry);
                }
            }
            catch (ObjectDisposedException)
            {
                // Returned and disposed while this tick ran.
            }
        }
    }

    private void RemoveIdle(SocketRateLimitPartitionEntry entry)
    {
        lock (_sync)
        {
            if (entry.Holders != 0 || !_entries.TryRemove(new KeyValuePair<string, SocketRateLimitPartitionEntry>(entry.Key, entry)))
            {
                return;
            }
        }

        entry.Limiter.Dispose();
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _disposed = true;
        }

        foreach (var (_, entry) in _entries)
        {
            entry.Limiter.Dispose();
        }

        _entries.Clear();
    }
}

/// <summary>One partition's limiter and how many sockets hold it (guarded by its policy's lock).</summary>
internal sealed class SocketRateLimitPartitionEntry(SocketRateLimitPolicyState policy, RateLimiter limiter)
{
    public SocketRateLimitPolicyState Policy { get; } = policy;

    public RateLimiter Limiter { get; } = limiter;

    public string Key = string.Empty;

    public int Holders;
}

/// <summary>
/// The policies applied to one namespace: <see cref="All"/> for every event, plus those of single events. Immutable:
/// <see cref="SocketIONamespace.RequireRateLimiting(string)"/> replaces the namespace's rules.
/// </summary>
internal sealed class SocketRateLimitRules(SocketRateLimitPolicyState? all, Dictionary<string, SocketRateLimitPolicyState[]>? byEvent)
{
    public SocketRateLimitPolicyState? All { get; } = all;

    public Dictionary<string, SocketRateLimitPolicyState[]>? ByEvent { get; } = byEvent;

    public SocketRateLimitRules WithAll(SocketRateLimitPolicyState policy) => new(policy, ByEvent);

    public SocketRateLimitRules WithEvent(string eventName, SocketRateLimitPolicyState policy)
    {
        var byEvent = ByEvent is null ? new Dictionary<string, SocketRateLimitPolicyState[]>(StringComparer.Ordinal) : new(ByEvent, StringComparer.Ordinal);
        byEvent[eventName] = byEvent.TryGetValue(eventName, out var existing) ? [.. existing, policy] : [policy];
        return new SocketRateLimitRules(All, byEvent);
    }
}
