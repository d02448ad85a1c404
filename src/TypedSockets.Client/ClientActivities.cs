using System.Diagnostics;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client;

/// <summary>
/// The client's <see cref="ActivitySource"/> (<see cref="TypedSocketsTelemetry.ClientActivitySourceName"/>) and its
/// spans (listed in docs/observability.md). Every span is behind <see cref="ActivitySource.HasListeners"/>, so a client
/// nobody listens to allocates nothing for tracing.
/// </summary>
internal static class ClientActivities
{
    public static readonly ActivitySource Source = new(
        TypedSocketsTelemetry.ClientActivitySourceName,
        typeof(ClientActivities).Assembly.GetName().Version?.ToString());

    public const string EmitWithAck = "socketio.emit_with_ack";

    /// <summary>
    /// Starts a <c>socketio.emit_with_ack</c> span (kind Client, a child of the caller's current span) for one emit and its
    /// acknowledgement; the caller's current activity is left as it was, since the span ends on another thread.
    /// </summary>
    public static Activity? StartEmitWithAck(string nsp, string eventName, string? socketId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var previous = Activity.Current;
        var activity = Source.StartActivity(EmitWithAck, ActivityKind.Client);
        Activity.Current = previous;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "socket.io");
            activity.SetTag("rpc.method", eventName);
            activity.SetTag("socketio.namespace", nsp);
            activity.SetTag("socketio.event", eventName);
            if (socketId is not null)
            {
                activity.SetTag("socketio.socket.id", socketId);
            }
        }

        return activity;
    }

    /// <summary>Ends an ack span: status Error for a failure or an error answer, else <c>socketio.outcome</c> "ok".</summary>
    public static void StopEmitWithAck(Activity activity, SocketIOArguments? reply, Exception? error)
    {
        if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            if (activity.IsAllDataRequested)
            {
                activity.SetTag("error.type", error.GetType().FullName);
                activity.SetTag("socketio.outcome", error is SocketIOAckTimeoutException ? "timeout" : "error");
                activity.AddException(error);
            }
        }
        else if (reply is not null && reply.TryGetError(out var answer))
        {
            activity.SetStatus(ActivityStatusCode.Error, answer.Message);
            if (activity.IsAllDataRequested)
            {
                activity.SetTag("error.type", answer.Code ?? answer.GetType().FullName);
                activity.SetTag("socketio.outcome", "error_answer");
            }
        }
        else if (activity.IsAllDataRequested)
        {
            activity.SetTag("socketio.outcome", "ok");
        }

        // Stopping makes the span's parent current on this thread (a read loop or a timer): keep what was there.
        var current = Activity.Current;
        activity.Stop();
        if (!ReferenceEquals(current, activity))
        {
            Activity.Current = current;
        }
    }
}
