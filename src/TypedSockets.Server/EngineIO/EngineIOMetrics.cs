using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// The Engine.IO instruments of one <see cref="Meter"/> named <see cref="TypedSocketsTelemetry.ServerMeterName"/>: one
/// instance per meter (<see cref="For"/>), so the servers of one application share the instruments of their
/// <see cref="IMeterFactory"/> and two applications in one process do not. Every method is cheap when nobody listens.
/// </summary>
internal sealed class EngineIOMetrics
{
    /// <summary>The tag of the Engine.IO transport (<c>polling</c> or <c>websocket</c>).</summary>
    public const string TransportTag = "engineio.transport";

    private static readonly ConditionalWeakTable<Meter, EngineIOMetrics> s_byMeter = new();
    private static readonly Lazy<Meter> s_fallbackMeter = new(static () => new Meter(TypedSocketsTelemetry.ServerMeterName));

    private static readonly KeyValuePair<string, object?> PollingTag = new(TransportTag, EngineTransportNames.Polling);
    private static readonly KeyValuePair<string, object?> WebSocketTag = new(TransportTag, EngineTransportNames.WebSocket);
    private static readonly KeyValuePair<string, object?> MessagesLimitTag = new("limit", "messages");
    private static readonly KeyValuePair<string, object?> BytesLimitTag = new("limit", "bytes");
    private static readonly KeyValuePair<string, object?> ConnectionsPerIpTag = new("limit", "connections_per_ip");
    private static readonly KeyValuePair<string, object?> HandshakeRateTag = new("limit", "handshake_rate");

    /// <summary>Connection durations run from milliseconds (refused, failed) to days.</summary>
    private static readonly IReadOnlyList<double> DurationBuckets = [0.01, 0.1, 1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400];

    private readonly ConditionalWeakTable<EngineIOServer, object?> _servers = new();
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _connectionsOpened;
    private readonly Histogram<double> _connectionDuration;
    private readonly Counter<long> _packetsReceived;
    private readonly Counter<long> _packetsSent;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _sendQueueOverflows;
    private readonly Counter<long> _originsRefused;
    private readonly Counter<long> _handshakesLimited;

    private EngineIOMetrics(Meter meter)
    {
        _connections = meter.CreateUpDownCounter<long>(
            "typedsockets.server.connections", "{connection}", "Open Engine.IO connections (sessions).");
        _connectionsOpened = meter.CreateCounter<long>(
            "typedsockets.server.connections.opened", "{connection}", "Engine.IO connections opened, by the transport of the handshake.");
        _connectionDuration = meter.CreateHistogram(
            "typedsockets.server.connection.duration", "s", "How long Engine.IO connections stayed open, by their last transport.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _packetsReceived = meter.CreateCounter<long>(
            "typedsockets.server.packets.received", "{packet}", "Engine.IO packets received from clients.");
        _packetsSent = meter.CreateCounter<long>(
            "typedsockets.server.packets.sent", "{packet}", "Engine.IO packets sent to clients.");
        _bytesReceived = meter.CreateCounter<long>(
            "typedsockets.server.bytes.received", "By", "Engine.IO payload bytes received (POST bodies, WebSocket messages).");
        _bytesSent = meter.CreateCounter<long>(
            "typedsockets.server.bytes.sent", "By", "Engine.IO payload bytes sent (GET bodies, WebSocket messages).");
        _sendQueueOverflows = meter.CreateCounter<long>(
            "typedsockets.server.send_queue.overflows", "{connection}",
            "Connections closed because a client did not read: its send queue went over MaxBufferedMessages (limit=messages) or MaxBufferedBytes (limit=bytes).");
        _handshakesLimited = meter.CreateCounter<long>(
            "typedsockets.server.handshakes.limited", "{request}",
            "Handshakes refused with 429, by limit: connections_per_ip (MaxConnectionsPerIp) or handshake_rate (HandshakeLimiter).");
        _originsRefused = meter.CreateCounter<long>(
            "typedsockets.server.origins.refused", "{request}", "Requests refused with 403 because their Origin is not allowed.");
        meter.CreateObservableUpDownCounter(
            "typedsockets.server.send_queue.length", ObserveSendQueueLength, "{packet}",
            "Engine.IO packets queued for clients and not written yet, over every open connection.");
    }

    /// <summary>
    /// The instruments on <paramref name="meterFactory"/>'s server meter; without a factory (a server built without
    /// dependency injection), on a process-wide fallback meter of the same name.
    /// </summary>
    public static EngineIOMetrics For(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(TypedSocketsTelemetry.ServerMeterName) ?? s_fallbackMeter.Value;
        return s_byMeter.GetValue(meter, static m => new EngineIOMetrics(m));
    }

    /// <summary>Counts <paramref name="server"/>'s queued packets in <c>typedsockets.server.send_queue.length</c>.</summary>
    public void Track(EngineIOServer server) => _servers.TryAdd(server, null);

    public void OriginRefused() => _originsRefused.Add(1);

    public void HandshakeLimited(bool rate) => _handshakesLimited.Add(1, rate ? HandshakeRateTag : ConnectionsPerIpTag);

    public void SessionOpened(bool webSocket)
    {
        _connections.Add(1);
        if (_connectionsOpened.Enabled)
        {
            _connectionsOpened.Add(1, webSocket ? WebSocketTag : PollingTag);
        }
    }

    /// <summary>A session closed; <paramref name="openedTimestamp"/> is its <see cref="Stopwatch.GetTimestamp"/> at open, 0 when not taken.</summary>
    public void SessionClosed(bool webSocket, long openedTimestamp)
    {
        _connections.Add(-1);
        if (_connectionDuration.Enabled && openedTimestamp != 0)
        {
            _connectionDuration.Record(Stopwatch.GetElapsedTime(openedTimestamp).TotalSeconds, webSocket ? WebSocketTag : PollingTag);
        }
    }

    /// <summary>The timestamp to pass to <see cref="SessionClosed"/>: 0 when nobody records durations.</summary>
    public long OpenedTimestamp() => _connectionDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    public void OutboundOverflow(bool bytes) => _sendQueueOverflows.Add(1, bytes ? BytesLimitTag : MessagesLimitTag);

    public void Received(bool webSocket, long packets, long bytes)
    {
        var tag = webSocket ? WebSocketTag : PollingTag;
        if (_packetsReceived.Enabled)
        {
            _packetsReceived.Add(packets, tag);
        }

        if (_bytesReceived.Enabled)
        {
            _bytesReceived.Add(bytes, tag);
        }
    }

    public void Sent(bool webSocket, long packets, long bytes)
    {
        var tag = webSocket ? WebSocketTag : PollingTag;
        if (_packetsSent.Enabled)
        {
            _packetsSent.Add(packets, tag);
        }

        if (_bytesSent.Enabled)
        {
            _bytesSent.Add(bytes, tag);
        }
    }

    private long ObserveSendQueueLength()
    {
        long total = 0;
        foreach (var (server, _) in _servers)
        {
            foreach (var connection in server.Connections)
            {
                total += ((EngineSession)connection).QueuedPackets;
            }
        }

        return total;
    }
}
