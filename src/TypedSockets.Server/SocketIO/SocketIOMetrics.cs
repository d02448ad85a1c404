using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace TypedSockets.Server;

/// <summary>
/// The Socket.IO instruments of one <see cref="Meter"/> named <see cref="TypedSocketsTelemetry.ServerMeterName"/>, tagged
/// with <c>socketio.namespace</c>: one instance per meter (<see cref="For"/>), shared by the servers of an application.
/// Every method is cheap and allocation-free when nobody listens.
/// </summary>
internal sealed class SocketIOMetrics
{
    /// <summary>The tag of the namespace name.</summary>
    public const string NamespaceTag = "socketio.namespace";

    private static readonly ConditionalWeakTable<Meter, SocketIOMetrics> s_byMeter = new();
    private static readonly Lazy<Meter> s_fallbackMeter = new(static () => new Meter(TypedSocketsTelemetry.ServerMeterName));

    /// <summary>Event handlers run from microseconds to seconds.</summary>
    private static readonly IReadOnlyList<double> DurationBuckets = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly UpDownCounter<long> _sockets;
    private readonly Counter<long> _eventsReceived;
    private readonly Counter<long> _eventsSent;
    private readonly Counter<long> _eventsFailed;
    private readonly Histogram<double> _eventDuration;
    private readonly Counter<long> _ackTimeouts;
    private readonly Counter<long> _eventsLimited;

    private SocketIOMetrics(Meter meter)
    {
        _sockets = meter.CreateUpDownCounter<long>(
            "typedsockets.server.sockets", "{socket}", "Sockets connected, by namespace.");
        _eventsReceived = meter.CreateCounter<long>(
            "typedsockets.server.events.received", "{event}", "Events received from clients, by namespace.");
        _eventsSent = meter.CreateCounter<long>(
            "typedsockets.server.events.sent", "{event}", "Events sent to clients (each recipient of a broadcast counts once), by namespace.");
        _eventsFailed = meter.CreateCounter<long>(
            "typedsockets.server.events.failed", "{event}",
            "Events whose handler failed, by namespace, reason (invalid_arguments: refused before the handler ran; refused: the handler threw a SocketInvocationException; error: any other exception; unauthorized: a hub method's [Authorize] refused the call before it ran) and error.type (the exception's type).");
        _eventDuration = meter.CreateHistogram(
            "typedsockets.server.event.duration", "s", "How long event handlers ran (until their task completed), by namespace.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _eventsLimited = meter.CreateCounter<long>(
            "typedsockets.server.events.limited", "{event}",
            "Events dropped because the client went over a rate limit, by namespace, policy and action: drop (the socket stays) or disconnect (the socket was disconnected).");
        _ackTimeouts = meter.CreateCounter<long>(
            "typedsockets.server.ack.timeouts", "{ack}", "Acknowledgements a client did not send in time (EmitWithAckAsync timed out), by namespace.");
    }

    /// <summary>The <c>reason</c> tag of <c>typedsockets.server.events.failed</c>.</summary>
    public static class FailureReasons
    {
        public const string InvalidArguments = "invalid_arguments";
        public const string Refused = "refused";
        public const string Error = "error";
        public const string Unauthorized = "unauthorized";
    }

    /// <summary>
    /// The instruments on <paramref name="meterFactory"/>'s server meter; without a factory, on a process-wide fallback
    /// meter of the same name.
    /// </summary>
    public static SocketIOMetrics For(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(TypedSocketsTelemetry.ServerMeterName) ?? s_fallbackMeter.Value;
        return s_byMeter.GetValue(meter, static m => new SocketIOMetrics(m));
    }

    /// <summary>Counts a failed event; <c>error.type</c> is the full name of <paramref name="error"/>'s type.</summary>
    public void EventFailed(string nsp, string reason, Exception error)
    {
        if (_eventsFailed.Enabled)
        {
            _eventsFailed.Add(
                1,
                new KeyValuePair<string, object?>(NamespaceTag, nsp),
                new KeyValuePair<string, object?>("reason", reason),
                new KeyValuePair<string, object?>("error.type", error.GetType().FullName));
        }
    }

    /// <summary>Counts an event dropped over a rate limit (<paramref name="disconnect"/>: the socket was disconnected for it).</summary>
    public void EventLimited(string nsp, string policy, bool disconnect) =>
        _eventsLimited.Add(
            1,
            new KeyValuePair<string, object?>(NamespaceTag, nsp),
            new KeyValuePair<string, object?>("policy", policy),
            new KeyValuePair<string, object?>("action", disconnect ? "disconnect" : "drop"));

    public void SocketConnected(string nsp) => _sockets.Add(1, new KeyValuePair<string, object?>(NamespaceTag, nsp));

    public void SocketDisconnected(string nsp) => _sockets.Add(-1, new KeyValuePair<string, object?>(NamespaceTag, nsp));

    public void EventReceived(string nsp)
    {
        if (_eventsReceived.Enabled)
        {
            _eventsReceived.Add(1, new KeyValuePair<string, object?>(NamespaceTag, nsp));
        }
    }

    public void EventSent(string nsp)
    {
        if (_eventsSent.Enabled)
        {
            _eventsSent.Add(1, new KeyValuePair<string, object?>(NamespaceTag, nsp));
        }
    }

    public void AckTimedOut(string nsp) => _ackTimeouts.Add(1, new KeyValuePair<string, object?>(NamespaceTag, nsp));

    /// <summary>The timestamp to pass to <see cref="EventHandled"/>: 0 when nobody records handler durations.</summary>
    public long HandlerStarting() => _eventDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>A handler that started at <paramref name="startTimestamp"/> (from <see cref="HandlerStarting"/>) completed.</summary>
    public void EventHandled(string nsp, long startTimestamp)
    {
        if (startTimestamp != 0 && _eventDuration.Enabled)
        {
            _eventDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, new KeyValuePair<string, object?>(NamespaceTag, nsp));
        }
    }
}
