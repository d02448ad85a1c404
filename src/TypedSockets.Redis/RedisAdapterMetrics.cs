using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using TypedSockets.Redis.Internal;

namespace TypedSockets.Redis;

/// <summary>
/// The instruments of one <see cref="Meter"/> named <see cref="TypedSocketsTelemetry.RedisMeterName"/>: one instance per
/// meter (<see cref="For"/>), shared by the Redis connections of an application.
/// </summary>
internal sealed class RedisAdapterMetrics
{
    private static readonly ConditionalWeakTable<Meter, RedisAdapterMetrics> s_byMeter = new();
    private static readonly Lazy<Meter> s_fallbackMeter = new(static () => new Meter(TypedSocketsTelemetry.RedisMeterName));

    private readonly ConditionalWeakTable<RedisClusterConnection, object?> _connections = new();
    private readonly Counter<long> _published;
    private readonly Counter<long> _received;
    private readonly Counter<long> _dropped;

    private RedisAdapterMetrics(Meter meter)
    {
        _published = meter.CreateCounter<long>(
            "typedsockets.redis.messages.published", "{message}", "Messages sent to the cluster (PUBLISH or XADD completed).");
        _received = meter.CreateCounter<long>(
            "typedsockets.redis.messages.received", "{message}", "Messages from other servers of the cluster handled by this one.");
        _dropped = meter.CreateCounter<long>(
            "typedsockets.redis.messages.dropped", "{message}",
            "Messages for the cluster dropped, by reason: queue_full (the send queue was over MaxPendingMessages) or redis_unreachable (Redis refused or did not answer).");
        meter.CreateObservableUpDownCounter(
            "typedsockets.redis.send_queue.length", ObserveQueueLength, "{message}", "Messages waiting in the send queues of the Redis connections.");
        meter.CreateObservableUpDownCounter(
            "typedsockets.redis.connections", ObserveConnected, "{connection}", "Redis connections of the adapters that are connected now (0 while Redis is unreachable).");
    }

    /// <summary>The <c>reason</c> tag of <c>typedsockets.redis.messages.dropped</c>.</summary>
    public static class DropReasons
    {
        public const string QueueFull = "queue_full";
        public const string RedisUnreachable = "redis_unreachable";
    }

    /// <summary>The instruments on <paramref name="meterFactory"/>'s Redis meter; without a factory, on a process-wide fallback meter.</summary>
    public static RedisAdapterMetrics For(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(TypedSocketsTelemetry.RedisMeterName) ?? s_fallbackMeter.Value;
        return s_byMeter.GetValue(meter, static m => new RedisAdapterMetrics(m));
    }

    /// <summary>Reports <paramref name="connection"/>'s queue and state in the observable instruments.</summary>
    public void Track(RedisClusterConnection connection) => _connections.TryAdd(connection, null);

    public void Published() => _published.Add(1);

    public void Received() => _received.Add(1);

    public void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private long ObserveQueueLength()
    {
        long total = 0;
        foreach (var (connection, _) in _connections)
        {
            total += connection.QueueLength;
        }

        return total;
    }

    private long ObserveConnected()
    {
        long total = 0;
        foreach (var (connection, _) in _connections)
        {
            total += connection.IsConnected ? 1 : 0;
        }

        return total;
    }
}
