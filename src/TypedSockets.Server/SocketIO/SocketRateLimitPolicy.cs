using System.Threading.RateLimiting;

namespace TypedSockets.Server;

/// <summary>
/// A named event rate limit (see <see cref="SocketRateLimitOptions"/>): how to create the limiter of one partition,
/// how events are partitioned, and what happens to an event over the limit.
/// </summary>
public sealed class SocketRateLimitPolicy
{
    /// <summary>A policy whose partitions each get a limiter from <paramref name="createLimiter"/>.</summary>
    /// <param name="createLimiter">
    /// Creates the limiter of one partition (one socket, or one user): called once per partition, from any thread. Each
    /// event acquires one permit without waiting. The server disposes every limiter it created when its partition ends
    /// (the socket disconnects; for <see cref="SocketRateLimitPartition.PerUser"/>, once the user has no socket and the
    /// limiter is idle) and when the server stops. A <see cref="ReplenishingRateLimiter"/> created with
    /// <c>AutoReplenishment = false</c> is replenished by the server's own timer (every 100 ms), so partitions need no
    /// timer each.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="createLimiter"/> is null.</exception>
    public SocketRateLimitPolicy(Func<RateLimiter> createLimiter)
    {
        ArgumentNullException.ThrowIfNull(createLimiter);
        CreateLimiter = createLimiter;
    }

    /// <summary>Creates the limiter of one partition.</summary>
    public Func<RateLimiter> CreateLimiter { get; }

    /// <summary>Whose budget an event counts against. Default <see cref="SocketRateLimitPartition.PerSocket"/>.</summary>
    public SocketRateLimitPartition Partition { get; set; } = SocketRateLimitPartition.PerSocket;

    /// <summary>What happens to an event over the limit. Default <see cref="SocketRateLimitAction.Drop"/>.</summary>
    public SocketRateLimitAction Action { get; set; } = SocketRateLimitAction.Drop;
}
