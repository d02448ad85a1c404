using System.Diagnostics.Metrics;

namespace TypedSockets.Server;

/// <summary>Socket.IO level instruments on the "TypedSockets" meter.</summary>
internal static class SocketIOMetrics
{
    private static readonly Meter s_meter = new("TypedSockets");
    private static readonly UpDownCounter<long> s_sockets = s_meter.CreateUpDownCounter<long>("typedsockets.socketio.sockets", "{socket}", "Sockets connected, by namespace.");
    private static readonly Counter<long> s_events = s_meter.CreateCounter<long>("typedsockets.socketio.events.received", "{event}", "Events received, by namespace.");

    private static readonly Counter<long> s_failed = s_meter.CreateCounter<long>(
        "typedsockets.socketio.events.failed", "{event}",
        "Events whose handler failed, by namespace and reason: invalid_arguments (refused before the handler ran), refused (the handler threw a SocketInvocationException), error (any other exception), unauthorized (a hub method's [Authorize] refused the call before it ran).");

    /// <summary>The <c>reason</c> tag of <c>typedsockets.socketio.events.failed</c>.</summary>
    public static class FailureReasons
    {
        public const string InvalidArguments = "invalid_arguments";
        public const string Refused = "refused";
        public const string Error = "error";
        public const string Unauthorized = "unauthorized";
    }

    public static void EventFailed(string nsp, string reason) =>
        s_failed.Add(1, new KeyValuePair<string, object?>("namespace", nsp), new KeyValuePair<string, object?>("reason", reason));

    public static void SocketConnected(string nsp) => s_sockets.Add(1, new KeyValuePair<string, object?>("namespace", nsp));

    public static void SocketDisconnected(string nsp) => s_sockets.Add(-1, new KeyValuePair<string, object?>("namespace", nsp));

    public static void EventReceived(string nsp) => s_events.Add(1, new KeyValuePair<string, object?>("namespace", nsp));
}
