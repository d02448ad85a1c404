using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client;

/// <summary>
/// At-least-once delivery (<see cref="SocketIOClientOptions.Retries"/> above 0), as socket.io-client 4.6+: emits wait
/// in a queue and go one at a time with an ack id; the next one leaves when the server acknowledges; a missing ack
/// (timeout or disconnection) re-sends the same event until the retries are used up.
/// </summary>
public sealed partial class SocketIOClientSocket
{
    private bool Enqueue(string eventName, object?[] args, PendingAck? userAck, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_retryQueue.Count >= Math.Max(1, _options.MaxBufferedPackets))
            {
                userAck?.TryFail(new SocketIOBufferFullException(_options.MaxBufferedPackets));
                return false;
            }

            _retryQueue.Enqueue(new QueuedEmit(eventName, args, userAck, timeout ?? _options.AckTimeout, cancellationToken));
        }

        DrainQueue(force: false);
        return true;
    }

    /// <summary>Sends the head of the queue unless it is already in flight (<paramref name="force"/>: re-send it, after a reconnection).</summary>
    private void DrainQueue(bool force)
    {
        QueuedEmit head;
        lock (_gate)
        {
            if (_state != ConnectionState.Connected || !_retryQueue.TryPeek(out head!))
            {
                return;
            }

            if (head.Pending && !force)
            {
                return;
            }

            head.Pending = true;
            head.TryCount++;
        }

        var attempt = new PendingAck(this, head.EventName, withTask: false, (args, error) => OnQueuedAck(head, args, error), callbackInline: true);
        Send(head.EventName, head.Args, attempt, isVolatile: false, head.Timeout, head.CancellationToken);
    }

    private void OnQueuedAck(QueuedEmit entry, SocketIOArguments? args, Exception? error)
    {
        var next = false;
        lock (_gate)
        {
            if (!_retryQueue.TryPeek(out var head) || !ReferenceEquals(head, entry))
            {
                return;
            }

            if (error is null || entry.TryCount > _options.Retries || error is OperationCanceledException or ObjectDisposedException)
            {
                _retryQueue.Dequeue();
                next = true;
            }

            entry.Pending = false;
        }

        if (next && entry.UserAck is { } userAck)
        {
            if (error is null)
            {
                userAck.TryComplete(args ?? SocketIOArguments.Empty);
            }
            else
            {
                userAck.TryFail(error);
            }
        }

        DrainQueue(force: false);
    }

    private sealed class QueuedEmit(string eventName, object?[] args, PendingAck? userAck, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        public string EventName { get; } = eventName;

        public object?[] Args { get; } = args;

        public PendingAck? UserAck { get; } = userAck;

        public TimeSpan? Timeout { get; } = timeout;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public int TryCount { get; set; }

        public bool Pending { get; set; }
    }
}
