namespace TypedSockets.Server;

public partial class SocketIONamespace
{
    private SocketRateLimitRules? _rateLimitRules;

    /// <summary>
    /// The policies that apply to this namespace's events: its own, else its dynamic parent's, else the server's
    /// <see cref="SocketRateLimitOptions.DefaultPolicy"/>; null when none (the event path then does nothing more).
    /// </summary>
    internal SocketRateLimitRules? RateLimitRules => System.Threading.Volatile.Read(ref _rateLimitRules) ?? _parent?.RateLimitRules ?? Server.RateLimiters?.DefaultRules;

    /// <summary>
    /// Limits every event of this namespace (and of the children of a dynamic namespace) with the policy
    /// <paramref name="policyName"/> of <see cref="SocketIOServerOptions.RateLimiting"/>, instead of the default policy.
    /// Per-event policies (<see cref="RequireRateLimiting(string, string)"/>) apply on top of it. Call it while setting up.
    /// </summary>
    /// <exception cref="InvalidOperationException">No policy is named <paramref name="policyName"/>.</exception>
    public SocketIONamespace RequireRateLimiting(string policyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        var policy = ResolveRateLimitPolicy(policyName);
        UpdateRateLimitRules(rules => rules.WithAll(policy));
        return this;
    }

    /// <summary>
    /// Limits the event <paramref name="eventName"/> of this namespace (for a hub: the event name of the method) with the
    /// policy <paramref name="policyName"/>, in addition to the namespace's policy: other events do not use its budget.
    /// Call it while setting up; calling it twice for one event applies both policies.
    /// </summary>
    /// <exception cref="InvalidOperationException">No policy is named <paramref name="policyName"/>.</exception>
    public SocketIONamespace RequireRateLimiting(string eventName, string policyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        var policy = ResolveRateLimitPolicy(policyName);
        UpdateRateLimitRules(rules => rules.WithEvent(eventName, policy));
        return this;
    }

    private SocketRateLimitPolicyState ResolveRateLimitPolicy(string policyName) =>
        Server.RateLimiters is { } limiters
            ? limiters.Resolve(policyName)
            : throw new InvalidOperationException($"No rate limit policy is named '{policyName}': add it with options.RateLimiting.AddPolicy (or AddTokenBucketPolicy, AddFixedWindowPolicy).");

    private void UpdateRateLimitRules(Func<SocketRateLimitRules, SocketRateLimitRules> change)
    {
        while (true)
        {
            var current = System.Threading.Volatile.Read(ref _rateLimitRules);
            var basis = current ?? new SocketRateLimitRules(_parent?.RateLimitRules?.All ?? Server.RateLimiters?.DefaultRules?.All, null);
            if (Interlocked.CompareExchange(ref _rateLimitRules, change(basis), current) == current)
            {
                return;
            }
        }
    }
}
