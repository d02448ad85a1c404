using System.Threading.RateLimiting;

namespace TypedSockets.Server;

/// <summary>
/// Limits on the events clients send (<see cref="SocketIOServerOptions.RateLimiting"/>): named policies, applied to a
/// namespace or to one event of it with <see cref="SocketIONamespace.RequireRateLimiting(string)"/> (or
/// <c>MapNamespace&lt;THub&gt;(name, o =&gt; o.RequireRateLimiting(...))</c>), or to every namespace with
/// <see cref="DefaultPolicy"/>. Nothing is limited unless a policy is applied: how many events are normal depends on
/// the application (a game sends 60 a second, a chat one), and a wrong default would drop a legitimate client's events.
/// The work one client can cause is bounded anyway by <see cref="SocketIOServerOptions.MaxPendingHandlersPerConnection"/>.
/// Configured in code only (limiters are code).
/// </summary>
public sealed class SocketRateLimitOptions
{
    private readonly Dictionary<string, SocketRateLimitPolicy> _policies = new(StringComparer.Ordinal);

    /// <summary>The policies by name.</summary>
    public IReadOnlyDictionary<string, SocketRateLimitPolicy> Policies => _policies;

    /// <summary>
    /// The policy applied to every event of every namespace that names no namespace-wide policy of its own (per-event
    /// policies add to it). Null (the default): none.
    /// </summary>
    public string? DefaultPolicy { get; set; }

    /// <summary>Adds (or replaces) the policy <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    public SocketRateLimitOptions AddPolicy(string name, SocketRateLimitPolicy policy)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(policy);
        _policies[name] = policy;
        return this;
    }

    /// <summary>
    /// Adds the policy <paramref name="name"/>: a token bucket per partition with a copy of <paramref name="options"/>
    /// (<c>TokenLimit</c> events at once, <c>TokensPerPeriod</c> more every <c>ReplenishmentPeriod</c>). Replenishment is
    /// done by the server's timer whatever <c>AutoReplenishment</c> says, and events never queue (<c>QueueLimit</c> is ignored).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (as <see cref="TokenBucketRateLimiter"/> checks them).</exception>
    public SocketRateLimitOptions AddTokenBucketPolicy(
        string name, TokenBucketRateLimiterOptions options, SocketRateLimitPartition partition = SocketRateLimitPartition.PerSocket, SocketRateLimitAction action = SocketRateLimitAction.Drop)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.TokenLimit,
            TokensPerPeriod = options.TokensPerPeriod,
            ReplenishmentPeriod = options.ReplenishmentPeriod,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        new TokenBucketRateLimiter(copy).Dispose(); // validates now rather than at the first event
        return AddPolicy(name, new SocketRateLimitPolicy(() => new TokenBucketRateLimiter(copy)) { Partition = partition, Action = action });
    }

    /// <summary>
    /// Adds the policy <paramref name="name"/>: a fixed window per partition with a copy of <paramref name="options"/>
    /// (<c>PermitLimit</c> events per <c>Window</c>). The window is advanced by the server's timer whatever
    /// <c>AutoReplenishment</c> says, and events never queue (<c>QueueLimit</c> is ignored).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (as <see cref="FixedWindowRateLimiter"/> checks them).</exception>
    public SocketRateLimitOptions AddFixedWindowPolicy(
        string name, FixedWindowRateLimiterOptions options, SocketRateLimitPartition partition = SocketRateLimitPartition.PerSocket, SocketRateLimitAction action = SocketRateLimitAction.Drop)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.PermitLimit,
            Window = options.Window,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        new FixedWindowRateLimiter(copy).Dispose();
        return AddPolicy(name, new SocketRateLimitPolicy(() => new FixedWindowRateLimiter(copy)) { Partition = partition, Action = action });
    }
}
