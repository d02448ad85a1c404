using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client;

/// <summary>What the manager tells the socket, and the dispatcher that runs the application's code.</summary>
public sealed partial class SocketIOClientSocket
{
    /// <summary>The connection is open: send CONNECT (auth re-evaluated; recovery fields when a session is known).</summary>
    internal void OnEngineOpen() => _ = SendConnectAsync();

    private async Task SendConnectAsync()
    {
        lock (_gate)
        {
            if (!_active || _state != ConnectionState.Disconnected)
            {
                return;
            }

            _state = ConnectionState.Connecting;
        }

        object? auth;
        try
        {
            auth = _options.AuthProvider is { } provider
                ? await provider(CancellationToken.None).ConfigureAwait(false)
                : _options.Auth;
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _state = ConnectionState.Disconnected;
            }

            FailConnect(new SocketIOConnectException("The auth provider failed.", inner: e));
            return;
        }

        lock (_gate)
        {
            if (!_active || _state != ConnectionState.Connecting)
            {
                return;
            }

            var packet = _parser.EncodeClientConnect(Namespace, auth, _pid, _pid is null ? null : _lastOffset);
            if (!_manager.TrySend(packet))
            {
                // The connection died meanwhile; the next open sends CONNECT again.
                _state = ConnectionState.Disconnected;
            }
        }
    }

    /// <summary>The connection closed: the socket disconnects (it reconnects with the manager when still active).</summary>
    internal void OnEngineClose(string reason)
    {
        bool wasConnected;
        lock (_gate)
        {
            wasConnected = _state == ConnectionState.Connected;
            _state = ConnectionState.Disconnected;
            _id = null;
            _receiveBuffer.Clear();
        }

        if (wasConnected)
        {
            SocketIOClientLog.NamespaceDisconnected(_logger, Namespace, reason);
            CancelConnectionToken();
            Post(DispatchItem.ForDisconnect(reason));
            FailSentAcks("The socket has been disconnected.");
        }
    }

    /// <summary>The connection could not be opened (reconnection off or exhausted).</summary>
    internal void OnOpenFailed(Exception error) =>
        FailConnect(error as SocketIOConnectException ?? new SocketIOConnectException($"The connection could not be opened: {error.Message}", inner: error));

    internal void OnManagerDisposed()
    {
        OnEngineClose(SocketIOClientDisconnectReasons.ForcedClose);
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _active = false;
            waiter = _connectWaiter;
            _connectWaiter = null;
            _disposed = true;
        }

        waiter?.TrySetException(new ObjectDisposedException(nameof(SocketIOManager)));
        FailAllAcks(new ObjectDisposedException(nameof(SocketIOManager)));
        _dispatch.Writer.TryComplete();
    }

    /// <summary>A packet for this namespace (on the receive loop).</summary>
    internal void OnPacket(SocketIOPacket packet)
    {
        switch (packet.Type)
        {
            case SocketIOPacketType.Connect:
                OnConnectPacket(packet);
                break;
            case SocketIOPacketType.Event:
            case SocketIOPacketType.BinaryEvent:
                OnEventPacket(packet);
                break;
            case SocketIOPacketType.Ack:
            case SocketIOPacketType.BinaryAck:
                if (_acks.TryRemove(packet.AckId, out var ack))
                {
                    ack.TryComplete(packet.Data ?? SocketIOArguments.Empty);
                }

                break;
            case SocketIOPacketType.Disconnect:
                OnServerDisconnect();
                break;
            case SocketIOPacketType.ConnectError:
                OnConnectErrorPacket(packet);
                break;
        }
    }

    private void OnConnectPacket(SocketIOPacket packet)
    {
        string? sid = null, pid = null;
        packet.Data?.TryGetStringProperty(0, "sid", out sid);
        packet.Data?.TryGetStringProperty(0, "pid", out pid);
        List<BufferedPacket>? flushed = null;
        TaskCompletionSource? waiter;
        bool recovered;
        lock (_gate)
        {
            if (!_active || _state == ConnectionState.Connected)
            {
                return;
            }

            recovered = pid is not null && pid == _pid;
            _recovered = recovered;
            _pid = pid;
            _id = sid;
            _state = ConnectionState.Connected;
            OnConnectionStarted();
            Post(DispatchItem.ForConnect());
            foreach (var received in _receiveBuffer)
            {
                Post(DispatchItem.ForEvent(received));
            }

            _receiveBuffer.Clear();
            while (_sendBuffer.TryPeek(out var buffered))
            {
                if (!_manager.TrySend(buffered.Packet))
                {
                    break;
                }

                _sendBuffer.Dequeue();
                if (buffered.Ack is not null)
                {
                    buffered.Ack.Sent = true;
                }

                (flushed ??= []).Add(buffered);
            }

            waiter = _connectWaiter;
            _connectWaiter = null;
        }

        SocketIOClientLog.NamespaceConnected(_logger, Namespace, sid, recovered);
        if (flushed is not null)
        {
            foreach (var buffered in flushed)
            {
                NotifyOutgoing(buffered.EventName, buffered.Args, buffered.Packet);
            }
        }

        waiter?.TrySetResult();
        DrainQueue(force: true);
    }

    private void OnEventPacket(SocketIOPacket packet)
    {
        if (OnStreamEvent(packet))
        {
            return;
        }

        lock (_gate)
        {
            // Connection state recovery: the last string argument of an event is its offset in the server's log.
            if (_pid is not null && packet.Data is { Count: > 0 } args && args.TryGetString(args.Count - 1, out var offset))
            {
                _lastOffset = offset;
            }

            if (_state != ConnectionState.Connected)
            {
                // Replayed (or early) events are delivered right after the connect event.
                _receiveBuffer.Add(packet);
                return;
            }

            Post(DispatchItem.ForEvent(packet));
        }
    }

    private void OnServerDisconnect()
    {
        bool wasConnected;
        lock (_gate)
        {
            wasConnected = _state == ConnectionState.Connected;
            _state = ConnectionState.Disconnected;
            _active = false;
            _id = null;
        }

        _ = _manager.DeactivateAsync(this);
        if (wasConnected)
        {
            SocketIOClientLog.NamespaceDisconnected(_logger, Namespace, SocketIOClientDisconnectReasons.ServerDisconnect);
            CancelConnectionToken();
            Post(DispatchItem.ForDisconnect(SocketIOClientDisconnectReasons.ServerDisconnect));
            FailSentAcks("The server disconnected the socket.");
        }
    }

    private void OnConnectErrorPacket(SocketIOPacket packet)
    {
        var data = packet.Data ?? SocketIOArguments.Empty;
        if (!data.TryGetStringProperty(0, "message", out var message) && !data.TryGetString(0, out message))
        {
            message = "The server refused the connection.";
        }

        lock (_gate)
        {
            _state = ConnectionState.Disconnected;
            _active = false;
        }

        _ = _manager.DeactivateAsync(this);
        FailConnect(new SocketIOConnectException(message ?? string.Empty, data));
    }

    private void FailConnect(SocketIOConnectException error)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _connectWaiter;
            _connectWaiter = null;
        }

        waiter?.TrySetException(error);
        Post(DispatchItem.ForConnectError(error));
    }

    internal void PostAckCallback(PendingAck ack, SocketIOArguments? args, Exception? error) => Post(DispatchItem.ForAck(ack, args, error));

    private void Post(in DispatchItem item) => _dispatch.Writer.TryWrite(item);

    private async Task DispatchLoopAsync()
    {
        var reader = _dispatch.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    var pending = DispatchAsync(item);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        await pending.ConfigureAwait(false);
                    }
                }
                catch (Exception e)
                {
                    SocketIOClientLog.HandlerFailed(_logger, item.Packet?.EventName ?? item.Kind.ToString(), Namespace, e);
                    try
                    {
                        HandlerError?.Invoke(e);
                    }
                    catch (Exception)
                    {
                        // An error handler that throws is not called again for its own error.
                    }
                }
            }
        }
    }

    private ValueTask DispatchAsync(DispatchItem item)
    {
        switch (item.Kind)
        {
            case DispatchKind.Event:
                return DispatchEventAsync(item.Packet!);
            case DispatchKind.Connect:
                Connected?.Invoke();
                break;
            case DispatchKind.Disconnect:
                Disconnected?.Invoke(item.Reason!);
                break;
            case DispatchKind.ConnectError:
                ConnectError?.Invoke((SocketIOConnectException)item.Error!);
                break;
            case DispatchKind.Ack:
                item.Ack!.InvokeCallback(item.Arguments, item.Error);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask DispatchEventAsync(SocketIOPacket packet)
    {
        var name = packet.EventName!;
        var args = packet.Data ?? SocketIOArguments.Empty;
        foreach (var listener in Volatile.Read(ref _anyIncoming))
        {
            listener(name, args);
        }

        if (!Volatile.Read(ref _handlers).TryGetValue(name, out var handlers))
        {
            return;
        }

        var ack = packet.HasAckId ? new SocketIOAck(this, packet.AckId) : null;
        foreach (var handler in handlers)
        {
            try
            {
                var pending = handler.InvokeAsync(args, ack);
                if (!pending.IsCompletedSuccessfully)
                {
                    await pending.ConfigureAwait(false);
                }
            }
            catch (Exception e) when (ack is not null && !ack.IsSent)
            {
                // The server waits for this acknowledgement: answer with the error, then report the failure as before.
                ack.Send(e is SocketInvocationException invocation
                    ? SocketIOErrorAnswer.ToArguments(invocation)
                    : SocketIOErrorAnswer.ToArguments($"An error occurred while handling '{name}'.", SocketInvocationException.InternalErrorCode, data: null));
                throw;
            }
        }
    }

    private enum DispatchKind : byte
    {
        Event,
        Connect,
        Disconnect,
        ConnectError,
        Ack,
    }

    private readonly struct DispatchItem
    {
        private DispatchItem(DispatchKind kind, SocketIOPacket? packet = null, string? reason = null, Exception? error = null, PendingAck? ack = null, SocketIOArguments? arguments = null)
        {
            Kind = kind;
            Packet = packet;
            Reason = reason;
            Error = error;
            Ack = ack;
            Arguments = arguments;
        }

        public DispatchKind Kind { get; }

        public SocketIOPacket? Packet { get; }

        public string? Reason { get; }

        public Exception? Error { get; }

        public PendingAck? Ack { get; }

        public SocketIOArguments? Arguments { get; }

        public static DispatchItem ForEvent(SocketIOPacket packet) => new(DispatchKind.Event, packet);

        public static DispatchItem ForConnect() => new(DispatchKind.Connect);

        public static DispatchItem ForDisconnect(string reason) => new(DispatchKind.Disconnect, reason: reason);

        public static DispatchItem ForConnectError(SocketIOConnectException error) => new(DispatchKind.ConnectError, error: error);

        public static DispatchItem ForAck(PendingAck ack, SocketIOArguments? arguments, Exception? error) => new(DispatchKind.Ack, error: error, ack: ack, arguments: arguments);
    }

    private abstract class EventHandlerBase
    {
        public abstract ValueTask InvokeAsync(SocketIOArguments args, SocketIOAck? ack);

        public abstract bool Wraps(Delegate handler);
    }

    private sealed class SyncHandler(Action<SocketIOArguments> handler) : EventHandlerBase
    {
        public override ValueTask InvokeAsync(SocketIOArguments args, SocketIOAck? ack)
        {
            handler(args);
            return ValueTask.CompletedTask;
        }

        public override bool Wraps(Delegate other) => handler.Equals(other);
    }

    private sealed class AsyncHandler(Func<SocketIOArguments, ValueTask> handler) : EventHandlerBase
    {
        public override ValueTask InvokeAsync(SocketIOArguments args, SocketIOAck? ack) => handler(args);

        public override bool Wraps(Delegate other) => handler.Equals(other);
    }

    private sealed class ResultHandler(Func<SocketIOArguments, ValueTask<object?>> handler) : EventHandlerBase
    {
        public override async ValueTask InvokeAsync(SocketIOArguments args, SocketIOAck? ack)
        {
            var result = await handler(args).ConfigureAwait(false);
            ack?.Send(result);
        }

        public override bool Wraps(Delegate other) => handler.Equals(other);
    }

    private sealed class AckHandler(Func<SocketIOArguments, SocketIOAck?, ValueTask> handler) : EventHandlerBase
    {
        public override ValueTask InvokeAsync(SocketIOArguments args, SocketIOAck? ack) => handler(args, ack);

        public override bool Wraps(Delegate other) => handler.Equals(other);
    }
}
