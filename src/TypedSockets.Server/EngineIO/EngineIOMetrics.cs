using System.Diagnostics.Metrics;

namespace TypedSockets.Server.EngineIO;

/// <summary>Engine.IO instruments on the <c>TypedSockets</c> meter; packet and byte counters are tagged with <c>transport</c>.</summary>
internal static class EngineIOMetrics
{
    public const string MeterName = "TypedSockets";

    private static readonly Meter Meter = new(MeterName);

    private static readonly KeyValuePair<string, object?> PollingTag = new("transport", EngineTransportNames.Polling);
    private static readonly KeyValuePair<string, object?> WebSocketTag = new("transport", EngineTransportNames.WebSocket);

    private static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>(
        "typedsockets.engineio.connections", "{connection}", "Open Engine.IO sessions.");

    private static readonly Counter<long> PacketsReceived = Meter.CreateCounter<long>(
        "typedsockets.engineio.packets.received", "{packet}", "Engine.IO packets received from clients.");

    private static readonly Counter<long> PacketsSent = Meter.CreateCounter<long>(
        "typedsockets.engineio.packets.sent", "{packet}", "Engine.IO packets sent to clients.");

    private static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>(
        "typedsockets.engineio.bytes.received", "By", "Engine.IO payload bytes received (POST bodies, WebSocket messages).");

    private static readonly Counter<long> BytesSent = Meter.CreateCounter<long>(
        "typedsockets.engineio.bytes.sent", "By", "Engine.IO payload bytes sent (GET bodies, WebSocket messages).");

    private static readonly Counter<long> OutboundOverflows = Meter.CreateCounter<long>(
        "typedsockets.engineio.outbound_overflows", "{connection}",
        "Connections closed because a client did not read: its outgoing queue went over MaxBufferedMessages (limit=messages) or MaxBufferedBytes (limit=bytes).");

    private static readonly KeyValuePair<string, object?> MessagesLimitTag = new("limit", "messages");
    private static readonly KeyValuePair<string, object?> BytesLimitTag = new("limit", "bytes");

    public static void OutboundOverflow(bool bytes) => OutboundOverflows.Add(1, bytes ? BytesLimitTag : MessagesLimitTag);

    private static readonly Counter<long> OriginsRefused = Meter.CreateCounter<long>(
        "typedsockets.engineio.origins_refused", "{request}", "Requests refused with 403 because their Origin is not allowed.");

    public static void OriginRefused() => OriginsRefused.Add(1);

    private static readonly Counter<long> HandshakesLimited = Meter.CreateCounter<long>(
        "typedsockets.engineio.handshakes_limited", "{request}",
        "Handshakes refused with 429, by limit: connections_per_ip (MaxConnectionsPerIp) or handshake_rate (HandshakeLimiter).");

    private static readonly KeyValuePair<string, object?> ConnectionsPerIpTag = new("limit", "connections_per_ip");
    private static readonly KeyValuePair<string, object?> HandshakeRateTag = new("limit", "handshake_rate");

    public static void HandshakeLimited(bool rate) => HandshakesLimited.Add(1, rate ? HandshakeRateTag : ConnectionsPerIpTag);

    public static void SessionOpened() => Connections.Add(1);

    public static void SessionClosed() => Connections.Add(-1);

    public static void Received(bool webSocket, long packets, long bytes)
    {
        var tag = webSocket ? WebSocketTag : PollingTag;
        if (PacketsReceived.Enabled)
        {
            PacketsReceived.Add(packets, tag);
        }

        if (BytesReceived.Enabled)
        {
            BytesReceived.Add(bytes, tag);
        }
    }

    public static void Sent(bool webSocket, long packets, long bytes)
    {
        var tag = webSocket ? WebSocketTag : PollingTag;
        if (PacketsSent.Enabled)
        {
            PacketsSent.Add(packets, tag);
        }

        if (BytesSent.Enabled)
        {
            BytesSent.Add(bytes, tag);
        }
    }
}
