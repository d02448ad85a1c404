using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace TypedSockets.Server.Diagnostics;

/// <summary>
/// The server's <see cref="ActivitySource"/> (<see cref="TypedSocketsTelemetry.ServerActivitySourceName"/>), its span and
/// tag names (listed in docs/observability.md), and the helpers every span goes through. Callers check
/// <see cref="IsEnabled"/> first, so a server nobody listens to allocates nothing for tracing; tags are added only when
/// the span records data (<see cref="Activity.IsAllDataRequested"/>).
/// </summary>
internal static class ServerActivities
{
    public static readonly ActivitySource Source = new(
        TypedSocketsTelemetry.ServerActivitySourceName,
        typeof(ServerActivities).Assembly.GetName().Version?.ToString());

    // Span (operation) names.
    public const string Handshake = "engineio.handshake";
    public const string Connect = "socketio.connect";
    public const string HandleEvent = "socketio.event";
    public const string EmitWithAck = "socketio.emit_with_ack";
    public const string Broadcast = "socketio.broadcast";
    public const string AdapterRequest = "socketio.adapter.request";

    // Tags.
    public const string RpcSystemTag = "rpc.system";
    public const string RpcServiceTag = "rpc.service";
    public const string RpcMethodTag = "rpc.method";
    public const string RpcSystem = "socket.io";
    public const string SessionIdTag = "engineio.session.id";
    public const string TransportTag = "engineio.transport";
    public const string NamespaceTag = "socketio.namespace";
    public const string SocketIdTag = "socketio.socket.id";
    public const string EventTag = "socketio.event";
    public const string AckTag = "socketio.ack";
    public const string HubTag = "socketio.hub";
    public const string OutcomeTag = "socketio.outcome";
    public const string RecipientsTag = "socketio.broadcast.recipients";
    public const string ResponsesTag = "socketio.ack.responses";
    public const string RecoveredTag = "socketio.recovered";
    public const string ErrorTypeTag = "error.type";

    // Outcomes (socketio.outcome).
    public const string Ok = "ok";
    public const string Unhandled = "unhandled";
    public const string Refused = "refused";
    public const string Error = "error";
    public const string Closed = "closed";
    public const string Timeout = "timeout";

    /// <summary>True when someone listens to the server's source: the only check on the path of every packet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsEnabled() => Source.HasListeners();

    /// <summary>
    /// Starts a span with no parent but <paramref name="parent"/> (default: a root span), whatever the current activity
    /// is (a receive loop runs inside its HTTP request's span), optionally linked to <paramref name="link"/>.
    /// Activity.Current is left as it was.
    /// </summary>
    public static Activity? StartDetached(string name, ActivityKind kind, ActivityContext parent = default, ActivityContext link = default)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            return link == default
                ? Source.StartActivity(name, kind, parent)
                : Source.StartActivity(name, kind, parent, tags: null, links: [new ActivityLink(link)]);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Starts a <c>socketio.broadcast</c> span (a child of the current span, for example the event being handled).</summary>
    public static Activity? StartBroadcast(string nsp, string eventName, bool withAck)
    {
        var activity = Source.StartActivity(Broadcast, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RpcSystemTag, RpcSystem);
            activity.SetTag(NamespaceTag, nsp);
            activity.SetTag(EventTag, eventName);
            activity.SetTag(AckTag, withAck);
        }

        return activity;
    }

    /// <summary>
    /// An adapter delivered a broadcast to <paramref name="count"/> local sockets: recorded on the current
    /// <c>socketio.broadcast</c> span (added up when several adapters or servers report).
    /// </summary>
    public static void AddRecipients(int count)
    {
        if (Activity.Current is { IsAllDataRequested: true } activity &&
            ReferenceEquals(activity.Source, Source) &&
            activity.OperationName == Broadcast)
        {
            var before = activity.GetTagItem(RecipientsTag) is int known ? known : 0;
            activity.SetTag(RecipientsTag, before + count);
        }
    }

    /// <summary>Starts a <c>socketio.emit_with_ack</c> span: one event sent to one client and the wait for its acknowledgement.</summary>
    public static Activity? StartEmitWithAck(string nsp, string eventName, string socketId)
    {
        var activity = Source.StartActivity(EmitWithAck, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RpcSystemTag, RpcSystem);
            activity.SetTag(RpcMethodTag, eventName);
            activity.SetTag(NamespaceTag, nsp);
            activity.SetTag(EventTag, eventName);
            activity.SetTag(SocketIdTag, socketId);
        }

        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed by <paramref name="error"/>: status Error, <c>error.type</c>, an exception event.</summary>
    public static void SetError(Activity activity, Exception error, string? outcome = null)
    {
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(ErrorTypeTag, error.GetType().FullName);
            if (outcome is not null)
            {
                activity.SetTag(OutcomeTag, outcome);
            }

            activity.AddException(error);
        }
    }

    /// <summary>
    /// Stops <paramref name="activity"/> from any thread without changing that thread's current activity (stopping
    /// restores the activity's parent as current, which would leak into a read loop or a timer callback).
    /// </summary>
    public static void Stop(Activity activity)
    {
        var current = Activity.Current;
        activity.Stop();
        if (!ReferenceEquals(current, activity))
        {
            Activity.Current = current;
        }
    }
}
