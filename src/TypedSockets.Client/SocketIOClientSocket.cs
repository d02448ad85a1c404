using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client;

/// <summary>
/// One namespace on a <see cref="SocketIOManager"/>'s connection (socket.io-client's Socket). Thread safe: any number
/// of threads may emit at once and each thread's packets keep their order. Incoming events, ack callbacks and the
/// lifecycle events run one at a time, in arrival order, on the socket's dispatcher (never on the receive loop, so a
/// handler may await an ack).
/// </summary>
public sealed partial class SocketIOClientSocket : IAsyncDisposable
{

    private readonly SocketIOManager _manager;
    private readonly SocketIOClientOptions _options;
    private readonly SocketIOParser _parser;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Lock _handlersGate = new();
    private readonly Queue<BufferedPacket> _sendBuffer = new();
    private readonly List<SocketIOPacket> _receiveBuffer = [];
    private readonly Queue<QueuedEmit> _retryQueue = new();
    private readonly ConcurrentDictionary<long, PendingAck> _acks = new();
    private readonly Channel<DispatchItem> _dispatch = Channel.CreateUnbounded<DispatchItem>(new UnboundedChannelOptions { SingleReader = true });
    private Dictionary<string, EventHandlerBase[]> _handlers = new(StringComparer.Ordinal);
    private Action<string, SocketIOArguments>[] _anyIncoming = [];
    private Action<string, object?[]>[] _anyOutgoing = [];
    private long _lastAckId = -1;
    private ConnectionState _state;
    private bool _active;
    private bool _disposed;
    private string? _id;
    private string? _pid;
    private string? _lastOffset;
    private bool _recovered;
    private TaskCompletionSource? _connectWaiter;

    internal SocketIOClientSocket(SocketIOManager manager, string nsp)
    {
        _manager = manager;
        _options = manager.Options;
        _parser = manager.Parser;
        _logger = manager.Logger;
        Namespace = nsp;
        _ = Task.Run(DispatchLoopAsync);
    }

    private enum ConnectionState
    {
        Disconnected,
        Connecting,
        Connected,
    }

    /// <summary>The manager (connection) this socket lives on.</summary>
    public SocketIOManager Manager => _manager;

    /// <summary>The namespace, "/" for the main one.</summary>
    public string Namespace { get; }

    /// <summary>The socket id the server gave on CONNECT; null while disconnected.</summary>
    public string? Id
    {
        get
        {
            lock (_gate)
            {
                return _id;
            }
        }
    }

    /// <summary>True between the server's CONNECT reply and the next disconnection.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _state == ConnectionState.Connected;
            }
        }
    }

    /// <summary>True while the socket wants to be connected (it reconnects on its own after a loss).</summary>
    public bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    /// <summary>True when the last connection restored the previous session (connection state recovery).</summary>
    public bool Recovered
    {
        get
        {
            lock (_gate)
            {
                return _recovered;
            }
        }
    }

    /// <summary>How many packets wait in the offline buffer.</summary>
    public int BufferedCount
    {
        get
        {
            lock (_gate)
            {
                return _sendBuffer.Count;
            }
        }
    }

    /// <summary>The namespace connected (on the dispatcher, before any event of that connection).</summary>
    public event Action? Connected;

    /// <summary>The socket disconnected; the reason is one of <see cref="SocketIOClientDisconnectReasons"/>.</summary>
    public event Action<string>? Disconnected;

    /// <summary>The server refused the namespace (CONNECT_ERROR), or the connection could not be opened.</summary>
    public event Action<SocketIOConnectException>? ConnectError;

    /// <summary>A handler, an any-listener or an ack callback threw (the dispatcher goes on).</summary>
    public event Action<Exception>? HandlerError;

    /// <summary>
    /// Connects the namespace (opening the manager's connection when needed) and waits for the server's reply.
    /// Throws <see cref="SocketIOConnectException"/> when the namespace refuses, or when the connection cannot be
    /// opened and reconnection is off or gives up. Cancelling stops waiting only: the socket keeps trying until
    /// <see cref="DisconnectAsync"/>.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state == ConnectionState.Connected)
            {
                return;
            }

            _active = true;
            waiter = _connectWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _manager.Activate(this);
        await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Disconnects the namespace (sends DISCONNECT when connected); no reconnection follows. The manager's connection
    /// closes when no other namespace uses it. Packets still in the offline buffer stay there for a later connect.
    /// </summary>
    public async Task DisconnectAsync()
    {
        bool wasConnected;
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            wasConnected = _state == ConnectionState.Connected;
            if (wasConnected)
            {
                _manager.TrySend(_parser.EncodeDisconnect(Namespace));
            }

            _state = ConnectionState.Disconnected;
            _active = false;
            _id = null;
            waiter = _connectWaiter;
            _connectWaiter = null;
        }

        waiter?.TrySetException(new SocketIODisconnectedException("The socket was disconnected by the client before it connected."));
        if (wasConnected)
        {
            CancelConnectionToken();
            Post(DispatchItem.ForDisconnect(SocketIOClientDisconnectReasons.ClientDisconnect));
            FailSentAcks("The socket was disconnected by the client.");
        }

        await _manager.DeactivateAsync(this).ConfigureAwait(false);
    }

    /// <summary>Disconnects and stops the dispatcher; pending acks fail.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
        }

        await DisconnectAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _disposed = true;
        }

        FailAllAcks(new ObjectDisposedException(nameof(SocketIOClientSocket)));
        _dispatch.Writer.TryComplete();
        _manager.OnSocketDisposed(this);
    }

    /// <summary>
    /// Emits an event. While disconnected the packet waits in the offline buffer (bounded by
    /// <see cref="SocketIOClientOptions.MaxBufferedPackets"/>); false when it was refused because the buffer is full.
    /// </summary>
    public bool Emit(string eventName, params object?[] args) => EmitCore(eventName, args, null, isVolatile: false);

    /// <summary>Emits an event that is dropped (false) instead of buffered when it cannot be written right now.</summary>
    public bool EmitVolatile(string eventName, params object?[] args) => EmitCore(eventName, args, null, isVolatile: true);

    /// <summary>Emits an event and waits for the server's acknowledgement (timeout: <see cref="SocketIOClientOptions.AckTimeout"/>).</summary>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, params object?[] args) =>
        EmitWithAckAsync(eventName, args, timeout: null, CancellationToken.None);

    /// <summary>
    /// Emits an event and waits for the server's acknowledgement. Fails with <see cref="SocketIOAckTimeoutException"/>
    /// after <paramref name="timeout"/> (default <see cref="SocketIOClientOptions.AckTimeout"/>), with
    /// <see cref="SocketIODisconnectedException"/> when the socket disconnects after sending, with
    /// <see cref="SocketIOBufferFullException"/> when it cannot even be buffered; cancelled by <paramref name="cancellationToken"/>.
    /// </summary>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        var ack = new PendingAck(this, eventName, withTask: true, callback: null);
        EmitCore(eventName, args, ack, isVolatile: false, timeout, cancellationToken);
        return ack.Task;
    }

    /// <summary>
    /// Emits an event and reads the first argument of the acknowledgement as <typeparamref name="T"/>; an error answer
    /// (<c>[{"error":{"message":...}}]</c>) throws <see cref="SocketInvocationException"/>.
    /// </summary>
    public async Task<T?> EmitWithAckAsync<T>(string eventName, object?[] args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var response = await EmitWithAckAsync(eventName, args, timeout, cancellationToken).ConfigureAwait(false);
        if (response.TryGetError(out var error))
        {
            throw error;
        }

        return response.Count == 0 ? default : response.Get<T>(0);
    }

    /// <summary>Emits an event and reads the first argument of the acknowledgement as <typeparamref name="T"/>.</summary>
    public Task<T?> EmitWithAckAsync<T>(string eventName, params object?[] args) => EmitWithAckAsync<T>(eventName, args, null, CancellationToken.None);

    /// <summary>
    /// Emits an event whose acknowledgement (or failure: timeout, disconnection) goes to <paramref name="callback"/> on
    /// the dispatcher. No task is allocated.
    /// </summary>
    public bool EmitWithAck(string eventName, object?[] args, Action<SocketIOArguments?, Exception?> callback, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return EmitCore(eventName, args, new PendingAck(this, eventName, withTask: false, callback), isVolatile: false, timeout);
    }

    /// <summary>Handles event <paramref name="eventName"/>.</summary>
    public SocketIOClientSocket On(string eventName, Action<SocketIOArguments> handler) => AddHandler(eventName, new SyncHandler(handler));

    /// <summary>Handles event <paramref name="eventName"/> asynchronously (the next event waits for it).</summary>
    public SocketIOClientSocket On(string eventName, Func<SocketIOArguments, ValueTask> handler) => AddHandler(eventName, new AsyncHandler(handler));

    /// <summary>
    /// Handles event <paramref name="eventName"/>; the result is sent back as the acknowledgement (one argument) when
    /// the server asked for one. A separate name from <c>On</c> so that an async lambda is never ambiguous.
    /// </summary>
    public SocketIOClientSocket OnWithAck(string eventName, Func<SocketIOArguments, ValueTask<object?>> handler) => AddHandler(eventName, new ResultHandler(handler));

    /// <summary>Handles event <paramref name="eventName"/> with an explicit acknowledgement (null when the server asked for none).</summary>
    public SocketIOClientSocket On(string eventName, Func<SocketIOArguments, SocketIOAck?, ValueTask> handler) => AddHandler(eventName, new AckHandler(handler));

    /// <summary>Removes every handler of <paramref name="eventName"/>.</summary>
    public SocketIOClientSocket Off(string eventName)
    {
        lock (_handlersGate)
        {
            var copy = new Dictionary<string, EventHandlerBase[]>(_handlers, StringComparer.Ordinal);
            copy.Remove(eventName);
            Volatile.Write(ref _handlers, copy);
        }

        return this;
    }

    /// <summary>Removes one handler of <paramref name="eventName"/> (the delegate given to <c>On</c>).</summary>
    public SocketIOClientSocket Off(string eventName, Delegate handler)
    {
        lock (_handlersGate)
        {
            if (_handlers.TryGetValue(eventName, out var list))
            {
                var copy = new Dictionary<string, EventHandlerBase[]>(_handlers, StringComparer.Ordinal);
                var kept = Array.FindAll(list, h => !h.Wraps(handler));
                if (kept.Length == 0)
                {
                    copy.Remove(eventName);
                }
                else
                {
                    copy[eventName] = kept;
                }

                Volatile.Write(ref _handlers, copy);
            }
        }

        return this;
    }

    /// <summary>Listens to every incoming event (before its handlers).</summary>
    public SocketIOClientSocket OnAny(Action<string, SocketIOArguments> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_handlersGate)
        {
            _anyIncoming = [.. _anyIncoming, listener];
        }

        return this;
    }

    /// <summary>Removes an incoming catch-all listener, or all of them.</summary>
    public SocketIOClientSocket OffAny(Action<string, SocketIOArguments>? listener = null)
    {
        lock (_handlersGate)
        {
            _anyIncoming = listener is null ? [] : Array.FindAll(_anyIncoming, l => l != listener);
        }

        return this;
    }

    /// <summary>Listens to every outgoing event when it is written (on the emitting thread, or the one flushing the offline buffer).</summary>
    public SocketIOClientSocket OnAnyOutgoing(Action<string, object?[]> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_handlersGate)
        {
            _anyOutgoing = [.. _anyOutgoing, listener];
        }

        return this;
    }

    /// <summary>Removes an outgoing catch-all listener, or all of them.</summary>
    public SocketIOClientSocket OffAnyOutgoing(Action<string, object?[]>? listener = null)
    {
        lock (_handlersGate)
        {
            _anyOutgoing = listener is null ? [] : Array.FindAll(_anyOutgoing, l => l != listener);
        }

        return this;
    }

    /// <summary>The namespace and, while connected, the socket id (for logs).</summary>
    public override string ToString() => $"SocketIOClientSocket {Namespace} ({(IsConnected ? "connected as " + Id : "disconnected")})";

    private SocketIOClientSocket AddHandler(string eventName, EventHandlerBase handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        lock (_handlersGate)
        {
            var copy = new Dictionary<string, EventHandlerBase[]>(_handlers, StringComparer.Ordinal);
            copy[eventName] = copy.TryGetValue(eventName, out var list) ? [.. list, handler] : [handler];
            Volatile.Write(ref _handlers, copy);
        }

        return this;
    }

    private bool EmitCore(string eventName, object?[] args, PendingAck? ack, bool isVolatile, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        args ??= [];
        if (SocketIOReservedEvents.IsReserved(eventName))
        {
            throw new ArgumentException($"'{eventName}' is a reserved event name.", nameof(eventName));
        }

        if (_options.Retries > 0 && !isVolatile)
        {
            return Enqueue(eventName, args, ack, timeout, cancellationToken);
        }

        return Send(eventName, args, ack, isVolatile, timeout ?? _options.AckTimeout, cancellationToken);
    }

    /// <summary>Encodes and writes (or buffers) one event; the ack, when given, is registered first.</summary>
    private bool Send(string eventName, object?[] args, PendingAck? ack, bool isVolatile, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        long ackId = -1;
        if (ack is not null)
        {
            ackId = Interlocked.Increment(ref _lastAckId);
            ack.Id = ackId;
            _acks[ackId] = ack;
            ack.Arm(timeout, _options.TimeProvider, cancellationToken);
        }

        EncodedPacket packet;
        try
        {
            packet = _parser.EncodeEvent(Namespace, eventName, args, ackId);
        }
        catch
        {
            if (ack is not null)
            {
                _acks.TryRemove(ackId, out _);
            }

            throw;
        }

        return Deliver(eventName, args, packet, ack, isVolatile);
    }

    /// <summary>
    /// Writes (or buffers) an encoded event whose ack, when given, is registered under the packet's ack id.
    /// <paramref name="args"/> may be null for typed emits: outgoing listeners then get the arguments decoded back.
    /// </summary>
    private bool Deliver(string eventName, object?[]? args, EncodedPacket packet, PendingAck? ack, bool isVolatile)
    {
        var ackId = ack?.Id ?? -1;
        var sent = false;
        var buffered = false;
        Exception? refusal = null;
        lock (_gate)
        {
            if (_disposed)
            {
                refusal = new ObjectDisposedException(nameof(SocketIOClientSocket));
            }
            else if (_state == ConnectionState.Connected && (!isVolatile || _manager.IsWritable) && _manager.TrySend(packet))
            {
                sent = true;
                if (ack is not null)
                {
                    ack.Sent = true;
                }
            }
            else if (isVolatile)
            {
                refusal = new SocketIODisconnectedException("A volatile packet was dropped: the socket could not write it now.");
            }
            else if (_sendBuffer.Count < _options.MaxBufferedPackets)
            {
                _sendBuffer.Enqueue(new BufferedPacket(eventName, args, packet, ack));
                buffered = true;
            }
            else
            {
                refusal = new SocketIOBufferFullException(_options.MaxBufferedPackets);
            }
        }

        if (sent)
        {
            NotifyOutgoing(eventName, args, packet);
            return true;
        }

        if (buffered)
        {
            return true;
        }

        if (ack is not null && _acks.TryRemove(ackId, out _))
        {
            ack.TryFail(refusal!);
        }

        return false;
    }

    private void NotifyOutgoing(string eventName, object?[]? args, EncodedPacket packet)
    {
        var listeners = Volatile.Read(ref _anyOutgoing);
        if (listeners.Length == 0)
        {
            return;
        }

        args ??= DecodeArguments(packet);
        foreach (var listener in listeners)
        {
            try
            {
                listener(eventName, args);
            }
            catch (Exception e)
            {
                SocketIOClientLog.HandlerFailed(_logger, eventName, Namespace, e);
            }
        }
    }

    internal bool SendAck(long ackId, object?[] args)
    {
        var packet = _parser.EncodeAck(Namespace, ackId, args);
        lock (_gate)
        {
            return _state == ConnectionState.Connected && _manager.TrySend(packet);
        }
    }

    internal bool RemoveAck(PendingAck ack) => _acks.TryRemove(new KeyValuePair<long, PendingAck>(ack.Id, ack));

    private void FailSentAcks(string message)
    {
        foreach (var (id, ack) in _acks)
        {
            if (ack.Sent && _acks.TryRemove(new KeyValuePair<long, PendingAck>(id, ack)))
            {
                ack.TryFail(new SocketIODisconnectedException(message));
            }
        }
    }

    private void FailAllAcks(Exception error)
    {
        foreach (var (id, ack) in _acks)
        {
            if (_acks.TryRemove(new KeyValuePair<long, PendingAck>(id, ack)))
            {
                ack.TryFail(error);
            }
        }

        QueuedEmit[] queued;
        lock (_gate)
        {
            _sendBuffer.Clear();
            queued = [.. _retryQueue];
            _retryQueue.Clear();
        }

        foreach (var entry in queued)
        {
            entry.UserAck?.TryFail(error);
        }
    }

    private readonly record struct BufferedPacket(string EventName, object?[]? Args, EncodedPacket Packet, PendingAck? Ack);
}
