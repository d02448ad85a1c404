using System.Diagnostics.Metrics;

namespace TypedSockets.Redis;

/// <summary>Instruments on the "TypedSockets.Redis" meter.</summary>
public static class RedisAdapterMetrics
{
    /// <summary>The meter name, for OpenTelemetry or <c>dotnet-counters</c>.</summary>
    public const string MeterName = "TypedSockets.Redis";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Counter<long> s_published = s_meter.CreateCounter<long>("typedsockets.redis.messages.published", "{message}", "Messages sent to the cluster.");
    private static readonly Counter<long> s_received = s_meter.CreateCounter<long>("typedsockets.redis.messages.received", "{message}", "Messages received from the cluster.");
    private static readonly Counter<long> s_dropped = s_meter.CreateCounter<long>("typedsockets.redis.messages.dropped", "{message}", "Messages for the cluster dropped (queue full or Redis unreachable), by reason.");
    private static long s_droppedTotal;

    /// <summary>Messages dropped by this process since it started (also reported by the counter).</summary>
    public static long DroppedTotal => Interlocked.Read(ref s_droppedTotal);

    internal static void Published() => s_published.Add(1);

    internal static void Received() => s_received.Add(1);

    internal static void Dropped(string reason)
    {
        Interlocked.Increment(ref s_droppedTotal);
        s_dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }
}
