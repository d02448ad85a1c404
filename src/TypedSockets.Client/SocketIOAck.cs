using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client;

/// <summary>
/// Answers an incoming event that asked for an acknowledgement. Only the first <see cref="Send"/> goes out; an event
/// without an ack id gets no instance.
/// </summary>
public sealed class SocketIOAck
{
    private readonly SocketIOClientSocket _socket;
    private int _sent;

    internal SocketIOAck(SocketIOClientSocket socket, long ackId)
    {
        _socket = socket;
        AckId = ackId;
    }

    /// <summary>The id the server is waiting for.</summary>
    public long AckId { get; }

    /// <summary>True once the acknowledgement was sent.</summary>
    public bool IsSent => Volatile.Read(ref _sent) != 0;

    /// <summary>Sends the acknowledgement with <paramref name="args"/>; false when already sent or the socket is disconnected.</summary>
    public bool Send(params object?[] args)
    {
        if (Interlocked.Exchange(ref _sent, 1) != 0)
        {
            return false;
        }

        return _socket.SendAck(AckId, args);
    }

    /// <summary>Sends the acknowledgement a typed packet writer holds (generated dispatchers); false when already sent.</summary>
    internal bool SendTyped(SocketIOPacketWriter writer)
    {
        if (Interlocked.Exchange(ref _sent, 1) != 0)
        {
            writer.Return();
            return false;
        }

        return _socket.SendEncodedAck(SocketIOClientSocket.Finish(writer, AckId));
    }
}

/// <summary>An ack awaited by the client: completes a task or calls a callback, once; an optional timeout.</summary>
internal sealed class PendingAck
{
    private readonly SocketIOClientSocket _socket;
    private readonly TaskCompletionSource<SocketIOArguments>? _task;
    private readonly Action<SocketIOArguments?, Exception?>? _callback;
    private readonly bool _callbackInline;
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;
    private int _done;
    private readonly System.Diagnostics.Activity? _activity; // the socketio.emit_with_ack span, when someone listens

    public PendingAck(SocketIOClientSocket socket, string eventName, bool withTask, Action<SocketIOArguments?, Exception?>? callback, bool callbackInline = false)
    {
        _socket = socket;
        EventName = eventName;
        _task = withTask ? new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        _callback = callback;
        _callbackInline = callbackInline;

        // An inline callback is the internal attempt of a queued emit (retries): the user's own ack has the span.
        if (!callbackInline)
        {
            _activity = ClientActivities.StartEmitWithAck(socket.Namespace, eventName, socket.Id);
        }
    }

    public string EventName { get; }

    public long Id { get; set; } = -1;

    /// <summary>The packet left the socket (it is not in the offline buffer): a disconnect fails it.</summary>
    public bool Sent { get; set; }

    public Task<SocketIOArguments> Task => _task!.Task;

    public void Arm(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (timeout is { } due && due != System.Threading.Timeout.InfiniteTimeSpan)
        {
            _timer = time.CreateTimer(static s => ((PendingAck)s!).OnTimeout(), this, due, System.Threading.Timeout.InfiniteTimeSpan);
            _timeout = due;
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((PendingAck)s!).OnCancelled(token), this);
        }
    }

    private TimeSpan _timeout;

    public bool TryComplete(SocketIOArguments args) => Finish(args, null);

    public bool TryFail(Exception error) => Finish(null, error);

    /// <summary>Runs the user callback (called by the socket's dispatcher).</summary>
    public void InvokeCallback(SocketIOArguments? args, Exception? error) => _callback!(args, error);

    private void OnTimeout()
    {
        if (_socket.RemoveAck(this))
        {
            Finish(null, new SocketIOAckTimeoutException(EventName, _timeout));
        }
    }

    private void OnCancelled(CancellationToken token)
    {
        if (_socket.RemoveAck(this))
        {
            Finish(null, new OperationCanceledException(token));
        }
    }

    private bool Finish(SocketIOArguments? args, Exception? error)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return false;
        }

        _timer?.Dispose();
        _cancellation.Dispose();
        if (_activity is not null)
        {
            ClientActivities.StopEmitWithAck(_activity, args, error);
        }
        if (_task is not null)
        {
            if (error is null)
            {
                _task.TrySetResult(args!);
            }
            else if (error is OperationCanceledException canceled)
            {
                _task.TrySetCanceled(canceled.CancellationToken);
            }
            else
            {
                _task.TrySetException(error);
            }
        }

        if (_callback is not null)
        {
            if (_callbackInline)
            {
                _callback(args, error);
            }
            else
            {
                _socket.PostAckCallback(this, args, error);
            }
        }

        return true;
    }
}
