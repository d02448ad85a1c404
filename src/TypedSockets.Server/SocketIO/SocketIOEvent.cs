using System.Diagnostics;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.Diagnostics;

namespace TypedSockets.Server;

/// <summary>An incoming event: its name, arguments, and the acknowledgement the client may wait for.</summary>
public sealed class SocketIOEvent
{
    private int _acked;
    private int _traceHolds; // traced events: dispatch + async handlers + middlewares still running; the span ends at 0
    private int _traceFailed;

    internal SocketIOEvent(SocketIOSocket socket, string name, SocketIOArguments arguments, long ackId)
    {
        Socket = socket;
        Name = name;
        Arguments = arguments;
        AckId = ackId;
    }

    /// <summary>The socket that sent the event.</summary>
    public SocketIOSocket Socket { get; }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>The arguments after the event name.</summary>
    public SocketIOArguments Arguments { get; }

    /// <summary>True when the client waits for an acknowledgement.</summary>
    public bool HasAck => AckId >= 0;

    /// <summary>The client's ack id (-1 when none).</summary>
    public long AckId { get; }

    /// <summary>True once <see cref="Ack"/> was called.</summary>
    public bool IsAcknowledged => Volatile.Read(ref _acked) != 0;

    /// <summary>Fires when the socket disconnects.</summary>
    public CancellationToken Disconnected => Socket.Disconnected;

    /// <summary>Argument <paramref name="index"/> as <typeparamref name="T"/>.</summary>
    public T? GetArgument<T>(int index) => Arguments.Get<T>(index);

    /// <summary>
    /// Sends the acknowledgement with <paramref name="args"/>. Only the first call sends; returns false when the client
    /// asked for no ack, when it was already sent, or when the socket is gone.
    /// </summary>
    public bool Ack(params object?[] args)
    {
        if (!HasAck || Interlocked.Exchange(ref _acked, 1) != 0)
        {
            return false;
        }

        return Socket.SendAck(AckId, args);
    }

    /// <summary>Claims the single acknowledgement of this event (the typed path sends it itself).</summary>
    internal bool TryClaimAck() => HasAck && Interlocked.Exchange(ref _acked, 1) == 0;

    /// <summary>The <c>socketio.event</c> span of this event; null when nobody listens.</summary>
    internal Activity? Activity { get; private set; }

    /// <summary>Starts tracing: the dispatch holds the span open until <see cref="ReleaseTrace"/>.</summary>
    internal void BeginTrace(Activity activity)
    {
        Activity = activity;
        _traceHolds = 1;
    }

    /// <summary>Something more (an async handler, the middlewares) runs for this event: the span waits for it.</summary>
    internal void HoldTrace()
    {
        if (Activity is not null)
        {
            Interlocked.Increment(ref _traceHolds);
        }
    }

    /// <summary>One holder finished; the last one stops the span (outcome <c>ok</c> unless a failure was recorded).</summary>
    internal void ReleaseTrace()
    {
        if (Activity is not { } activity || Interlocked.Decrement(ref _traceHolds) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _traceFailed) == 0 && activity.IsAllDataRequested && activity.GetTagItem(ServerActivities.OutcomeTag) is null)
        {
            activity.SetTag(ServerActivities.OutcomeTag, ServerActivities.Ok);
        }

        ServerActivities.Stop(activity);
    }

    /// <summary>A handler or middleware of this event failed: the span gets status Error (the first failure's type).</summary>
    internal void TraceFailure(Exception error, string outcome)
    {
        if (Activity is { } activity && Interlocked.Exchange(ref _traceFailed, 1) == 0)
        {
            ServerActivities.SetError(activity, error, outcome);
        }
    }

    /// <summary>The name, the argument count and the ack id (for logs).</summary>
    public override string ToString() => $"{Name} ({Arguments.Count} argument(s){(HasAck ? $", ack {AckId}" : string.Empty)})";
}
