using System.Diagnostics.Metrics;

namespace TypedSockets.Server;

/// <summary>Socket.IO level instruments on the "TypedSockets" meter.</summary>
internal static class SocketIOMetrics
{
    private static readonly Meter s_meter = new("TypedSockets");
    private static readonly UpDownCounter<long> s_sockets = s_meter.CreateUpDownCounter<long>("typedsockets.socketio.sockets", "{socket}", "Sockets connected, by namespace.");
    private static readonly Counter<long> s_events = s_meter.CreateCounter<long>("typedsockets.socketio.events.received", "{event}", "Events received, by namespace.");

    public static void SocketConnected(string nsp) => s_sockets.Add(1, new KeyValuePair<string, object?>("namespace", nsp));

    public static void SocketDisconnected(string nsp) => s_sockets.Add(-1, new KeyValuePair<string, object?>("namespace", nsp));

    public static void EventReceived(string nsp) => s_events.Add(1, new KeyValuePair<string, object?>("namespace", nsp));
}
