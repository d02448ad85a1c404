using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.Adapters;
using TypedSockets.Server.Diagnostics;

namespace TypedSockets.Server;

/// <summary>
/// One client in one namespace. Thread safe: emit, join and leave from any thread.
/// Event handlers run in the order the packets arrived; an asynchronous handler does not hold back the next packet.
/// </summary>
public sealed partial class SocketIOSocket
{

    private readonly SocketIOConnection _client;
    private readonly LazyServiceScope _scope;
    private CancellationTokenSource? _disconnected; // created on first use of Disconnected
    private int _disconnectedFired; // 1 once the socket has fired Disconnected
    private ConcurrentDictionary<long, AckWaiter>? _acks; // created with the first pending ack
    private ConcurrentDictionary<string, object?>? _data; // created on first use of Data
    private object? _typedData; // a typed hub's TData, set on first use

    // Guards handler registration (which never calls out while holding it) and the connect sequence (_preConnect,
    // which only hands packets to the transport while holding it).
    private readonly Lock _sync = new();
    private Dictionary<string, Func<SocketIOEvent, ValueTask>[]> _handlers = new(StringComparer.Ordinal);
    private Func<SocketIOEvent, ValueTask>[] _anyHandlers = [];
    private Action<string, object?[]>[] _anyOutgoing = [];
    private Func<SocketIOEvent, Func<ValueTask>, ValueTask>[] _middlewares = [];
    private Action<string>[] _disconnecting = [];
    private Func<string, ValueTask>[] _disconnect = [];
    private Action<Exception>[] _errors = [];
    private List<(EncodedPacket Packet, string? Offset)>? _preConnect; // broadcasts that reached the socket while it was connecting
    private int _state; // 0 connecting, 1 connected, 2 disconnected
    private string? _disconnectReason;

    private static readonly HashSet<string> s_recoverableReasons =
    [
        SocketDisconnectReasons.TransportError,
        SocketDisconnectReasons.TransportClose,
        SocketDisconnectReasons.ForcedClose,
        SocketDisconnectReasons.PingTimeout,
        SocketDisconnectReasons.ServerShuttingDown,
        SocketDisconnectReasons.ForcedServerClose,
    ];

    internal SocketIOSocket(SocketIONamespace nsp, SocketIOConnection client, SocketIOHandshake handshake, string id, string? pid, LazyServiceScope scope)
    {
        Namespace = nsp;
        _client = client;
        Handshake = handshake;
        Id = id;
        Pid = pid;
        _scope = scope;
    }

    /// <summary>The private session id used by connection state recovery (null when recovery is off).</summary>
    public string? Pid { get; }

    /// <summary>The socket id: a room of its own, unrelated to the Engine.IO session id.</summary>
    public string Id { get; }

    /// <summary>
    /// The user id the server's <see cref="ISocketUserIdProvider"/> gave this socket when it connected (null when none):
    /// the socket is in that user's room, which <c>Clients.User(id)</c> targets.
    /// </summary>
    public string? UserId { get; internal set; }

    /// <summary>The namespace the socket is connected to.</summary>
    public SocketIONamespace Namespace { get; }

    /// <summary>The server of <see cref="Namespace"/>.</summary>
    public SocketIOServer Server => Namespace.Server;

    /// <summary>What the client sent when it joined (auth) and the request that opened its connection.</summary>
    public SocketIOHandshake Handshake { get; }

    /// <summary>A stable copy of the request that opened the connection.</summary>
    public HttpContext HttpContext => Handshake.HttpContext;

    /// <summary>
    /// Services scoped to this socket's connection; disposed when it disconnects. The scope is created on the first
    /// service resolved from it.
    /// </summary>
    public IServiceProvider Services => _scope;

    /// <summary>The Engine.IO session id of the underlying connection.</summary>
    public string ConnectionId => _client.Connection.Id;

    /// <summary>"polling" or "websocket".</summary>
    public string Transport => _client.Connection.Transport;

    /// <summary>True from the end of the connect sequence (middlewares passed, CONNECT sent) until the socket disconnects.</summary>
    public bool Connected => Volatile.Read(ref _state) == 1;

    /// <summary>Why the socket disconnected (null while connected).</summary>
    public string? DisconnectReason => _disconnectReason;

    /// <summary>Fires when the socket disconnects.</summary>
    public CancellationToken Disconnected => (Volatile.Read(ref _disconnected) ?? CreateDisconnectedSource()).Token;

    /// <summary>Whether the connection state was recovered on reconnection.</summary>
    public bool Recovered { get; internal set; }

    /// <summary>Application data about this socket (visible through <c>FetchSocketsAsync</c>).</summary>
    public ConcurrentDictionary<string, object?> Data => Volatile.Read(ref _data) ?? CreateData();

    /// <summary>The data object of a hub with typed data (<see cref="SocketHub{TServer, TClient, TData}.Data"/>), null until set.</summary>
    internal object? TypedData
    {
        get => Volatile.Read(ref _typedData);
        set => Volatile.Write(ref _typedData, value);
    }

    /// <summary>Sets <see cref="TypedData"/> to <paramref name="value"/> unless another thread set it first; returns the one that stays.</summary>
    internal object InitTypedData(object value) => Interlocked.CompareExchange(ref _typedData, value, null) ?? value;

    /// <summary><see cref="Data"/> if anything used it yet, else null (reading it without creating it).</summary>
    internal ConcurrentDictionary<string, object?>? DataIfCreated => Volatile.Read(ref _data);

    /// <summary>A copy of <see cref="Data"/>, without creating it when it was never used.</summary>
    internal Dictionary<string, object?> CopyData() => DataIfCreated is { } data ? new(data) : [];

    /// <summary>The rooms the socket is in (its own id included).</summary>
    public IReadOnlyCollection<string> Rooms => Namespace.Adapter.GetSocketRooms(Id) ?? [];

    internal SocketIOConnection Client => _client;

    /// <summary>The pending acknowledgements, created with the first one.</summary>
    private ConcurrentDictionary<long, AckWaiter> Acks => Volatile.Read(ref _acks) ?? CreateAcks();

    private ConcurrentDictionary<long, AckWaiter> CreateAcks()
    {
        Interlocked.CompareExchange(ref _acks, new ConcurrentDictionary<long, AckWaiter>(), null);
        return _acks!;
    }

    private ConcurrentDictionary<string, object?> CreateData()
    {
        Interlocked.CompareExchange(ref _data, new ConcurrentDictionary<string, object?>(StringComparer.Ordinal), null);
        return _data!;
    }

    private CancellationTokenSource CreateDisconnectedSource()
    {
        var source = new CancellationTokenSource();
        var existing = Interlocked.CompareExchange(ref _disconnected, source, null);
        if (existing is not null)
        {
            source.Dispose();
            return existing;
        }

        // Disconnected already fired before anyone asked for the token: hand out a cancelled one. (FireDisconnected
        // publishes its flag before reading the field, this method the reverse, so one of them cancels it.)
        if (Volatile.Read(ref _disconnectedFired) != 0)
        {
            source.Cancel();
        }

        return source;
    }

    /// <summary>Cancels <see cref="Disconnected"/> (or makes sure it is born cancelled if nobody asked for it yet).</summary>
    private void FireDisconnected()
    {
        Interlocked.Exchange(ref _disconnectedFired, 1);
        Volatile.Read(ref _disconnected)?.Cancel();
    }

    // ---- Incoming events -------------------------------------------------------------------------------------------

    /// <summary>
    /// Handles event <paramref name="eventName"/>. When the handler throws and the client waits for an acknowledgement that
    /// was not sent, the client gets the error answer (<see cref="SocketInvocationException"/>'s message, code and data,
    /// or a generic message); the failure is logged and counted either way.
    /// </summary>
    public SocketIOSocket On(string eventName, Func<SocketIOEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_sync)
        {
            var copy = new Dictionary<string, Func<SocketIOEvent, ValueTask>[]>(_handlers, StringComparer.Ordinal);
            copy[eventName] = copy.TryGetValue(eventName, out var existing) ? [.. existing, handler] : [handler];
            _handlers = copy;
        }

        return this;
    }

    /// <summary>Handles event <paramref name="eventName"/> synchronously.</summary>
    public SocketIOSocket On(string eventName, Action<SocketIOEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return On(eventName, e =>
        {
            handler(e);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Removes every handler of <paramref name="eventName"/>.</summary>
    public SocketIOSocket Off(string eventName)
    {
        lock (_sync)
        {
            var copy = new Dictionary<string, Func<SocketIOEvent, ValueTask>[]>(_handlers, StringComparer.Ordinal);
            copy.Remove(eventName);
            _handlers = copy;
        }

        return this;
    }

    /// <summary>A catch-all listener, called for every incoming event before the named handlers.</summary>
    public SocketIOSocket OnAny(Func<SocketIOEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_sync)
        {
            _anyHandlers = [.. _anyHandlers, handler];
        }

        return this;
    }

    /// <summary>A catch-all listener for every outgoing event (name, arguments) of this socket.</summary>
    public SocketIOSocket OnAnyOutgoing(Action<string, object?[]> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_sync)
        {
            _anyOutgoing = [.. _anyOutgoing, listener];
        }

        return this;
    }

    /// <summary>
    /// A per-packet middleware: call <c>next()</c> to go on; return without calling it to drop the event; throw to
    /// drop it and raise <see cref="OnError"/> (a client waiting for the event's acknowledgement then gets the error
    /// answer: a <see cref="SocketInvocationException"/>'s message and code, or a generic message).
    /// </summary>
    public SocketIOSocket Use(Func<SocketIOEvent, Func<ValueTask>, ValueTask> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_sync)
        {
            _middlewares = [.. _middlewares, middleware];
        }

        return this;
    }

    /// <summary>Called when the socket is about to disconnect, while it is still in its rooms.</summary>
    public SocketIOSocket OnDisconnecting(Action<string> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_sync)
        {
            _disconnecting = [.. _disconnecting, handler];
        }

        return this;
    }

    /// <summary>Called once the socket has disconnected, with the reason.</summary>
    public SocketIOSocket OnDisconnect(Func<string, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_sync)
        {
            _disconnect = [.. _disconnect, handler];
        }

        return this;
    }

    /// <inheritdoc cref="OnDisconnect(Func{string, ValueTask})"/>
    public SocketIOSocket OnDisconnect(Action<string> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return OnDisconnect(reason =>
        {
            handler(reason);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Called when a per-packet middleware throws.</summary>
    public SocketIOSocket OnError(Action<Exception> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_sync)
        {
            _errors = [.. _errors, handler];
        }

        return this;
    }

    // ---- Outgoing events -------------------------------------------------------------------------------------------

    /// <summary>Sends an event. Returns false when the socket is disconnected.</summary>
    public bool Emit(string eventName, params object?[] args) => EmitCore(eventName, args, isVolatile: false);

    /// <summary>Sends an event, or drops it when the transport cannot take it right now.</summary>
    public bool EmitVolatile(string eventName, params object?[] args) => EmitCore(eventName, args, isVolatile: true);

    private bool EmitCore(string eventName, object?[] args, bool isVolatile)
    {
        ThrowIfReserved(eventName);
        if (!isVolatile && Pid is not null && Server.Options.ConnectionStateRecovery is not null)
        {
            // Routed through the adapter to the socket's own room, so the packet gets an offset and is kept: as in the
            // reference, an emit while the client is away is replayed when its session is recovered.
            NotifyOutgoing(eventName, args);
            new BroadcastOperator(Namespace, new BroadcastOptions { Rooms = [Id] }).Emit(eventName, args);
            return true;
        }

        if (!Connected)
        {
            return false;
        }

        NotifyOutgoing(eventName, args);

        return Sent(_client.Send(Server.Parser.EncodeEvent(Namespace.Name, eventName, args), isVolatile));
    }

    /// <summary>Counts an event packet in <c>typedsockets.server.events.sent</c> when it was queued; returns <paramref name="sent"/>.</summary>
    internal bool Sent(bool sent)
    {
        if (sent)
        {
            Server.Metrics.EventSent(Namespace.Name);
        }

        return sent;
    }

    /// <summary>
    /// Sends an event and waits for the client's acknowledgement (all its arguments, as they came: an error answer is not
    /// thrown here, see <see cref="SocketIOArguments.TryGetError(out SocketInvocationException?)"/>), for at most <c>DefaultAckTimeout</c> (30 s unless
    /// configured).
    /// </summary>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, params object?[] args) =>
        EmitWithAckAsync(eventName, args, Server.Options.DefaultAckTimeout, CancellationToken.None);

    /// <summary>Sends an event and waits for the client's acknowledgement for at most <paramref name="timeout"/>.</summary>
    /// <exception cref="SocketAckTimeoutException">No reply in time.</exception>
    /// <exception cref="SocketDisconnectedException">The socket disconnected first.</exception>
    public async Task<SocketIOArguments> EmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfReserved(eventName);
        if (!Connected)
        {
            throw new SocketDisconnectedException(Id, _disconnectReason ?? "not connected");
        }

        using var activity = ServerActivities.IsEnabled() ? ServerActivities.StartEmitWithAck(Namespace.Name, eventName, Id) : null;
        try
        {
            var id = Namespace.NextAckId();
            var waiter = new AckWaiter();
            Acks[id] = waiter;
            NotifyOutgoing(eventName, args);
            if (!_client.Send(Server.Parser.EncodeEvent(Namespace.Name, eventName, args, id), isVolatile: false))
            {
                _acks!.TryRemove(id, out _);
                throw new SocketDisconnectedException(Id, _disconnectReason ?? "transport closed");
            }

            Sent(true);
            try
            {
                return await waiter.Task.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, Server.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Server.Metrics.AckTimedOut(Namespace.Name);
                throw new SocketAckTimeoutException(eventName, timeout!.Value);
            }
            finally
            {
                _acks!.TryRemove(id, out _);
            }
        }
        catch (Exception e) when (activity is not null)
        {
            ServerActivities.SetError(activity, e, e is SocketAckTimeoutException ? ServerActivities.Timeout : null);
            throw;
        }
    }

    /// <summary>
    /// Sends an event and returns the first argument of the client's acknowledgement as <typeparamref name="T"/>
    /// (timeout: <paramref name="timeout"/>, else <c>DefaultAckTimeout</c>).
    /// </summary>
    /// <exception cref="SocketInvocationException">The client answered with an error (<c>[{"error":{"message":...}}]</c>).</exception>
    /// <exception cref="SocketAckTimeoutException">No reply in time.</exception>
    /// <exception cref="SocketDisconnectedException">The socket disconnected first.</exception>
    public async Task<T?> EmitWithAckAsync<T>(string eventName, object?[] args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await EmitWithAckAsync(eventName, args, timeout ?? Server.Options.DefaultAckTimeout, cancellationToken).ConfigureAwait(false);
        if (reply.TryGetError(out var error))
        {
            throw error;
        }

        return reply.Count > 0 ? reply.Get<T>(0) : default;
    }

    // ---- Rooms and broadcasts --------------------------------------------------------------------------------------

    /// <summary>Joins <paramref name="room"/> (nothing when already a member). Completes at once with the in-memory adapter.</summary>
    /// <exception cref="ArgumentException"><paramref name="room"/> is a user room (<see cref="SocketUsers.RoomPrefix"/>), which only the server joins.</exception>
    public ValueTask JoinAsync(string room)
    {
        ThrowIfUserRoom(room);
        return Namespace.Adapter.AddAllAsync(Id, [room]);
    }

    /// <summary>Joins every room of <paramref name="rooms"/> (those it is already in are left as they are).</summary>
    /// <exception cref="ArgumentException">One of <paramref name="rooms"/> is a user room (<see cref="SocketUsers.RoomPrefix"/>).</exception>
    public ValueTask JoinAsync(IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        foreach (var room in rooms)
        {
            ThrowIfUserRoom(room);
        }

        return Namespace.Adapter.AddAllAsync(Id, rooms);
    }

    private static void ThrowIfUserRoom(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (SocketUsers.IsUserRoom(room))
        {
            throw new ArgumentException($"Room '{room}' is a user room (prefix '{SocketUsers.RoomPrefix}'): the server puts a socket in its user's room from ISocketUserIdProvider; target users with Clients.User(id).", nameof(room));
        }
    }

    /// <summary>Leaves <paramref name="room"/> (nothing when not a member).</summary>
    public ValueTask LeaveAsync(string room) => Namespace.Adapter.DelAsync(Id, room);

    /// <summary>Every socket of the namespace but this one.</summary>
    public BroadcastOperator Broadcast => new(Namespace, new BroadcastOptions { Except = [Id] });

    /// <summary>The members of <paramref name="rooms"/>, this socket excluded.</summary>
    public BroadcastOperator To(params string[] rooms) => Broadcast.To(rooms);

    /// <inheritdoc cref="To"/>
    public BroadcastOperator In(params string[] rooms) => Broadcast.To(rooms);

    /// <summary>Every socket but this one and the members of <paramref name="rooms"/>.</summary>
    public BroadcastOperator Except(params string[] rooms) => Broadcast.Except(rooms);

    /// <summary>
    /// Disconnects this socket from its namespace (the client receives DISCONNECT and does not reconnect). With
    /// <paramref name="close"/>, closes the whole underlying connection and every namespace on it.
    /// </summary>
    public void Disconnect(bool close = false)
    {
        if (!Connected)
        {
            return;
        }

        if (close)
        {
            _client.DisconnectAllAndClose();
            return;
        }

        DisconnectFor(SocketDisconnectReasons.ServerNamespaceDisconnect);
    }

    /// <summary>Disconnects this socket from its namespace as <see cref="Disconnect"/> does, with <paramref name="reason"/> for the server's handlers.</summary>
    internal void DisconnectFor(string reason)
    {
        if (!Connected)
        {
            return;
        }

        _client.Send(Server.Parser.EncodeDisconnect(Namespace.Name), isVolatile: false);
        OnClose(reason);
    }

    // ---- Internals -------------------------------------------------------------------------------------------------

    internal static void ThrowIfReserved(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (SocketIOReservedEvents.IsReserved(eventName))
        {
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        }
    }

    /// <summary>
    /// Sends a packet from a broadcast. While the socket is still connecting (in its rooms, CONNECT reply not sent yet)
    /// the packet waits, and goes out right after the reply, unless a recovered socket already got it (same offset).
    /// </summary>
    internal bool SendEncoded(EncodedPacket packet, bool isVolatile, string? offset = null)
    {
        if (Volatile.Read(ref _state) == 0)
        {
            lock (_sync)
            {
                if (_state == 0)
                {
                    if (!isVolatile)
                    {
                        (_preConnect ??= []).Add((packet, offset));
                        Sent(true);
                    }

                    return true;
                }
            }
        }

        return Connected && Sent(_client.Send(packet, isVolatile));
    }

    /// <summary>
    /// Ends the connect sequence atomically with respect to broadcasts: sends the missed packets of a recovered session,
    /// the CONNECT reply, then what was broadcast to it meanwhile (each offset once), and only then marks the socket
    /// connected, so a concurrent broadcast cannot overtake the replay. False when the connection closed meanwhile.
    /// </summary>
    internal bool TryCompleteConnect(IReadOnlyList<BroadcastPacket> missed, EncodedPacket connectReply)
    {
        lock (_sync)
        {
            if (Volatile.Read(ref _state) != 0)
            {
                _preConnect = null;
                return false;
            }

            // The socket stays "connecting" until everything below is queued: a broadcast racing with this sees state 0,
            // waits on the lock and goes out after the replayed packets instead of overtaking them.
            HashSet<string>? sent = null;
            foreach (var packet in missed)
            {
                if (packet.Offset is { } offset && !(sent ??= new HashSet<string>(StringComparer.Ordinal)).Add(offset))
                {
                    continue;
                }

                _client.Send(packet.Encode(Server.Parser), isVolatile: false);
            }

            _client.Send(connectReply, isVolatile: false);
            if (_preConnect is { } waiting)
            {
                _preConnect = null;
                foreach (var (packet, offset) in waiting)
                {
                    if (offset is null || sent is null || !sent.Contains(offset))
                    {
                        _client.Send(packet, isVolatile: false);
                    }
                }
            }

            // False when the connection closed meanwhile (OnClose marked the socket gone): the caller undoes the registration.
            return Interlocked.CompareExchange(ref _state, 1, 0) == 0;
        }
    }

    internal bool SendAck(long ackId, object?[] args) =>
        Connected && _client.Send(Server.Parser.EncodeAck(Namespace.Name, ackId, args), isVolatile: false);

    internal void RegisterBroadcastAck(long ackId, Action<SocketIOArguments?> onAck) => Acks[ackId] = new AckWaiter(onAck);


    internal void OnPacket(SocketIOPacket packet)
    {
        switch (packet.Type)
        {
            case SocketIOPacketType.Event:
                OnEvent(new SocketIOEvent(this, packet.EventName!, packet.Data ?? SocketIOArguments.Empty, packet.AckId));
                break;
            case SocketIOPacketType.Ack:
                if (Volatile.Read(ref _acks) is { } acks && acks.TryRemove(packet.AckId, out var waiter))
                {
                    waiter.Complete(packet.Data ?? SocketIOArguments.Empty);
                }
                else
                {
                    SocketIOLog.UnknownAck(Server.Logger, Id, packet.AckId);
                }

                break;
            case SocketIOPacketType.Disconnect:
                OnClose(SocketDisconnectReasons.ClientNamespaceDisconnect);
                break;
        }
    }

    private void OnEvent(SocketIOEvent evt)
    {
        Server.Metrics.EventReceived(Namespace.Name);
        if (Namespace.RateLimitRules is { } rateLimits && !AcquireRateLimits(rateLimits, evt))
        {
            return;
        }

        if (ServerActivities.IsEnabled())
        {
            OnEventTraced(evt);
            return;
        }

        OnEventCore(evt);
    }

    private void OnEventCore(SocketIOEvent evt)
    {
        var middlewares = _middlewares;
        if (middlewares.Length == 0)
        {
            Dispatch(evt);
            return;
        }

        var task = RunMiddlewares(evt, middlewares, 0);
        if (evt.Activity is not null && !task.IsCompleted)
        {
            evt.HoldTrace();
            task = ReleaseTraceAfter(task, evt);
        }

        Observe(task, evt.Name);
    }

    private static async ValueTask ReleaseTraceAfter(ValueTask task, SocketIOEvent evt)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        finally
        {
            evt.ReleaseTrace();
        }
    }

    /// <summary>
    /// <see cref="OnEventCore"/> inside a <c>socketio.event</c> span: a root span (not a child of the receive loop's
    /// request) linked to the connection's handshake span, current while the handlers start, so what they trace is
    /// its child; it ends when the last asynchronous handler completes.
    /// </summary>
    private void OnEventTraced(SocketIOEvent evt)
    {
        var activity = ServerActivities.StartDetached(
            ServerActivities.HandleEvent, ActivityKind.Server, link: _client.Handshake?.Context ?? default);
        if (activity is null)
        {
            OnEventCore(evt);
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(ServerActivities.RpcSystemTag, ServerActivities.RpcSystem);
            activity.SetTag(ServerActivities.RpcMethodTag, evt.Name);
            activity.SetTag(ServerActivities.NamespaceTag, Namespace.Name);
            activity.SetTag(ServerActivities.EventTag, evt.Name);
            activity.SetTag(ServerActivities.SocketIdTag, Id);
            activity.SetTag(ServerActivities.AckTag, evt.HasAck);
        }

        evt.BeginTrace(activity);
        var previous = Activity.Current;
        Activity.Current = activity;
        try
        {
            OnEventCore(evt);
        }
        finally
        {
            Activity.Current = previous;
            evt.ReleaseTrace();
        }
    }

    private async ValueTask RunMiddlewares(SocketIOEvent evt, Func<SocketIOEvent, Func<ValueTask>, ValueTask>[] middlewares, int index)
    {
        if (index == middlewares.Length)
        {
            if (Connected)
            {
                Dispatch(evt);
            }

            return;
        }

        try
        {
            await middlewares[index](evt, () => RunMiddlewares(evt, middlewares, index + 1)).ConfigureAwait(false);
        }
        catch (Exception e) when (index < middlewares.Length)
        {
            evt.TraceFailure(e, ServerActivities.Refused);
            RaiseError(e);
            if (evt.HasAck && !evt.IsAcknowledged)
            {
                // The event was dropped: a caller waiting for the ack gets the error answer instead of a timeout.
                SendErrorAnswer(evt, e);
            }
        }
    }

    private void RaiseError(Exception error)
    {
        var handlers = _errors;
        if (handlers.Length == 0)
        {
            SocketIOLog.MiddlewareFailed(Server.Logger, Id, error);
            return;
        }

        foreach (var handler in handlers)
        {
            try
            {
                handler(error);
            }
            catch (Exception e)
            {
                SocketIOLog.HandlerFailed(Server.Logger, "error", Id, e);
            }
        }
    }

    private void Dispatch(SocketIOEvent evt)
    {
        foreach (var handler in _anyHandlers)
        {
            Invoke(handler, evt);
        }

        if (_handlers.TryGetValue(evt.Name, out var handlers))
        {
            foreach (var handler in handlers)
            {
                Invoke(handler, evt);
            }
        }
        else if (_anyHandlers.Length == 0)
        {
            SocketIOLog.NoHandler(Server.Logger, evt.Name, Namespace.Name, Id);
            evt.Activity?.SetTag(ServerActivities.OutcomeTag, ServerActivities.Unhandled);
        }
    }

    private void Invoke(Func<SocketIOEvent, ValueTask> handler, SocketIOEvent evt)
    {
        var started = Server.Metrics.HandlerStarting();
        ValueTask task;
        try
        {
            task = handler(evt);
        }
        catch (Exception e)
        {
            Server.Metrics.EventHandled(Namespace.Name, started);
            OnHandlerFailed(evt, e);
            return;
        }

        if (task.IsCompletedSuccessfully)
        {
            Server.Metrics.EventHandled(Namespace.Name, started);
            return;
        }

        ObserveHandler(task, evt, started);
    }

    private async void ObserveHandler(ValueTask task, SocketIOEvent evt, long started)
    {
        // Counted per connection: past SocketIOServerOptions.MaxPendingHandlersPerConnection the connection stops reading.
        _client.HandlerStarted();
        evt.HoldTrace();
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            OnHandlerFailed(evt, e);
        }
        finally
        {
            Server.Metrics.EventHandled(Namespace.Name, started);
            _client.HandlerEnded();
            evt.ReleaseTrace();
        }
    }

    /// <summary>
    /// A handler of <paramref name="evt"/> failed: log and count it, and answer the client's acknowledgement, if it waits
    /// for one that was not sent, with the error answer. Never throws.
    /// </summary>
    private void OnHandlerFailed(SocketIOEvent evt, Exception error)
    {
        if (error is OperationCanceledException && Volatile.Read(ref _disconnectedFired) != 0)
        {
            return; // The handler gave up because the socket went away: nobody to answer.
        }

        string reason;
        if (error is SocketInvocationException invocation)
        {
            if (invocation is SocketAuthorizationException authorization)
            {
                reason = SocketIOMetrics.FailureReasons.Unauthorized;
                SocketIOLog.EventUnauthorized(Server.Logger, evt.Name, Id, authorization.Code, authorization.Reason);
            }
            else if (invocation.Code == SocketInvocationException.InvalidArgumentsCode)
            {
                reason = SocketIOMetrics.FailureReasons.InvalidArguments;
                SocketIOLog.ArgumentsInvalid(Server.Logger, evt.Name, Id, invocation.Message, invocation);
            }
            else
            {
                reason = SocketIOMetrics.FailureReasons.Refused;
                SocketIOLog.InvocationRefused(Server.Logger, evt.Name, Id, invocation.Code, invocation.Message);
            }
        }
        else
        {
            reason = SocketIOMetrics.FailureReasons.Error;
            SocketIOLog.HandlerFailed(Server.Logger, evt.Name, Id, error);
        }

        Server.Metrics.EventFailed(Namespace.Name, reason, error);
        evt.TraceFailure(error, reason);
        if (evt.HasAck && !evt.IsAcknowledged)
        {
            SendErrorAnswer(evt, error);
        }
    }

    /// <summary>
    /// Answers <paramref name="evt"/>'s acknowledgement with the error answer of <paramref name="error"/>: a
    /// <see cref="SocketInvocationException"/> as it is, anything else as a generic message (with the exception's type
    /// and message when detailed errors are on). Never throws.
    /// </summary>
    private void SendErrorAnswer(SocketIOEvent evt, Exception error)
    {
        try
        {
            evt.Ack(error is SocketInvocationException invocation
                ? SocketIOErrorAnswer.ToArguments(invocation)
                : SocketIOErrorAnswer.ToArguments(
                    Server.Options.EnableDetailedErrors
                        ? $"An error occurred while handling '{evt.Name}'. {error.GetType().Name}: {error.Message}"
                        : $"An error occurred while handling '{evt.Name}'.",
                    SocketInvocationException.InternalErrorCode,
                    data: null));
        }
        catch (Exception e)
        {
            // The error's data could not be serialized (for example a type missing from the JSON context).
            SocketIOLog.ErrorAnswerFailed(Server.Logger, evt.Name, Id, e);
        }
    }

    private async void Observe(ValueTask task, string name)
    {
        // Counted per connection: past SocketIOServerOptions.MaxPendingHandlersPerConnection the connection stops reading.
        _client.HandlerStarted();
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Volatile.Read(ref _disconnectedFired) != 0)
        {
            // The handler gave up because the socket went away.
        }
        catch (Exception e)
        {
            SocketIOLog.HandlerFailed(Server.Logger, name, Id, e);
        }
        finally
        {
            _client.HandlerEnded();
        }
    }

    private void NotifyOutgoing(string eventName, object?[] args)
    {
        foreach (var listener in _anyOutgoing)
        {
            try
            {
                listener(eventName, args);
            }
            catch (Exception e)
            {
                SocketIOLog.HandlerFailed(Server.Logger, "anyOutgoing", Id, e);
            }
        }
    }

    /// <summary>Runs the disconnect sequence once: disconnecting hooks, leave rooms, disconnect hooks, dispose scope.</summary>
    internal void OnClose(string reason)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            // Never fully connected (the middlewares are still running): mark it gone; the connect sequence sees
            // that and releases it (AbandonAsync), so a middleware never sees its services disposed under it.
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                _disconnectReason = reason;
                FireDisconnected();
            }

            return;
        }

        _disconnectReason = reason;
        Observe(CloseAsync(reason), "disconnect");
    }

    /// <summary>Releases a socket whose connect sequence did not complete (refused, or its connection closed).</summary>
    internal ValueTask AbandonAsync(string reason)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
        {
            _disconnectReason = reason;
            FireDisconnected();
        }

        return _scope.DisposeAsync();
    }

    private async ValueTask CloseAsync(string reason)
    {
        SocketIOLog.SocketDisconnected(Server.Logger, Id, Namespace.Name, reason);
        Server.Metrics.SocketDisconnected(Namespace.Name);
        foreach (var handler in _disconnecting)
        {
            try
            {
                handler(reason);
            }
            catch (Exception e)
            {
                SocketIOLog.HandlerFailed(Server.Logger, "disconnecting", Id, e);
            }
        }

        try
        {
            if (Pid is not null && Server.Options.ConnectionStateRecovery is not null && s_recoverableReasons.Contains(reason))
            {
                await Namespace.Adapter.PersistSessionAsync(new SocketSession(Id, Pid, [.. Rooms], CopyData())).ConfigureAwait(false);
            }

            await Namespace.Adapter.DelAllAsync(Id).ConfigureAwait(false);
        }
        finally
        {
            Namespace.Remove(this);
            _client.RemoveSocket(this);
            ReleaseRateLimits();
            FireDisconnected();
            if (Volatile.Read(ref _acks) is { } acks)
            {
                foreach (var pair in acks)
                {
                    if (acks.TryRemove(pair.Key, out var waiter))
                    {
                        waiter.Fail(new SocketDisconnectedException(Id, reason));
                    }
                }
            }
        }

        foreach (var handler in _disconnect)
        {
            try
            {
                await handler(reason).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                SocketIOLog.HandlerFailed(Server.Logger, "disconnect", Id, e);
            }
        }

        await _scope.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A pending acknowledgement: a single emit's task, or one recipient of a broadcast.</summary>
    private sealed class AckWaiter
    {
        private readonly TaskCompletionSource<SocketIOArguments>? _tcs;
        private readonly Action<SocketIOArguments?>? _callback;

        public AckWaiter()
        {
            _tcs = new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public AckWaiter(Action<SocketIOArguments?> callback)
        {
            _callback = callback;
        }

        public Task<SocketIOArguments> Task => _tcs!.Task;

        public void Complete(SocketIOArguments args)
        {
            _tcs?.TrySetResult(args);
            _callback?.Invoke(args);
        }

        public void Fail(Exception error)
        {
            _tcs?.TrySetException(error);
            _callback?.Invoke(null);
        }
    }
}
