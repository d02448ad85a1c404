using System.Buffers;
using System.Diagnostics;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.Diagnostics;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server;

/// <summary>
/// The Socket.IO state of one Engine.IO connection (the reference's "Client"): the decoder and the sockets of every
/// namespace multiplexed on it.
/// </summary>
internal sealed class SocketIOConnection
{
    private readonly SocketIOServer _server;
    private readonly SocketIODecoder _decoder;
    private readonly Lock _sync = new();

    // The connected sockets by namespace name, guarded by _sync: the usual single one inline (_socket), a dictionary
    // (_sockets) once a second namespace joins.
    private SocketIOSocket? _socket;
    private Dictionary<string, SocketIOSocket>? _sockets;
    private Dictionary<string, SocketIOSocket>? _pending; // sockets whose connect sequence runs; null when none (guarded by _sync)
    private ITimer? _connectTimer;
    private bool _everConnected;
    private volatile bool _failed;
    private Queue<SocketIOPacket>? _backlog; // packets waiting for a handler slot, in order; null when none (written under _sync)
    private int _pendingHandlers; // async handlers of this client not finished yet
    private int _pauses; // reasons to stop reading from the client (guarded by _sync)
    private TaskCompletionSource? _resume; // completed when _pauses falls back to 0 (guarded by _sync)

    public SocketIOConnection(SocketIOServer server, EngineConnection connection)
    {
        _server = server;
        Connection = connection;
        _decoder = server.Parser.CreateDecoder(server.Options.MaxAttachments);
        if (ServerActivities.IsEnabled() &&
            Activity.Current is { } current &&
            ReferenceEquals(current.Source, ServerActivities.Source) &&
            current.OperationName == ServerActivities.Handshake)
        {
            Handshake = current;
        }
        var timeout = server.Options.ConnectTimeout;
        if (timeout > TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            _connectTimer = server.Options.TimeProvider.CreateTimer(
                static s => ((SocketIOConnection)s!).OnConnectTimeout(), this, timeout, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    public EngineConnection Connection { get; }

    /// <summary>
    /// The <c>engineio.handshake</c> span that opened this connection, when it was traced: the parent of the namespace
    /// connect spans and the link of the event spans. Null when nobody listened then.
    /// </summary>
    public Activity? Handshake { get; }

    public void OnMessage(in ReadOnlySequence<byte> data, bool isBinary)
    {
        if (_failed)
        {
            return;
        }

        SocketIOPacket? packet;
        try
        {
            if (!_decoder.TryDecode(data, isBinary, out packet))
            {
                return;
            }
        }
        catch (InvalidDataException e)
        {
            SocketIOLog.InvalidPacket(_server.Logger, Connection.Id, e.Message);
            Fail();
            return;
        }

        // Only this method (called one message at a time) starts a backlog, so null here stays null until it returns.
        if (Volatile.Read(ref _backlog) is not null)
        {
            lock (_sync)
            {
                if (_backlog is not null)
                {
                    // Events of this client wait for a handler slot: everything after them waits too, in order.
                    _backlog.Enqueue(packet!);
                    return;
                }
            }
        }

        if (IsEvent(packet!))
        {
            if (!_server.HandlerSlots.Wait(0))
            {
                // As many handlers as MaxConcurrentHandlers run on other threads (maybe blocked): do not take a thread
                // of the pool for one more. Keep the event, stop reading this client, and run it once a slot is free.
                lock (_sync)
                {
                    _backlog = new Queue<SocketIOPacket>();
                    _backlog.Enqueue(packet!);
                }

                PauseReading();
                _ = DrainBacklogAsync();
                return;
            }

            try
            {
                Handle(packet!);
            }
            finally
            {
                _server.HandlerSlots.Release();
            }

            return;
        }

        Handle(packet!);
    }

    private static bool IsEvent(SocketIOPacket packet) =>
        packet.Type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent;

    /// <summary>Runs the events kept while no handler slot was free, in order, then reads from the client again.</summary>
    private async Task DrainBacklogAsync()
    {
        try
        {
            while (true)
            {
                SocketIOPacket packet;
                lock (_sync)
                {
                    if (_backlog is null || _backlog.Count == 0 || _failed || !Connection.IsOpen)
                    {
                        _backlog = null;
                        break;
                    }

                    packet = _backlog.Peek();
                }

                if (!IsEvent(packet))
                {
                    lock (_sync)
                    {
                        _backlog?.Dequeue();
                    }

                    Handle(packet);
                    continue;
                }

                await _server.HandlerSlots.WaitAsync(Connection.Closed).ConfigureAwait(false);
                try
                {
                    lock (_sync)
                    {
                        _backlog?.Dequeue();
                    }

                    Handle(packet);
                }
                finally
                {
                    _server.HandlerSlots.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection closed while its events waited.
            lock (_sync)
            {
                _backlog = null;
            }
        }
        catch (Exception e)
        {
            lock (_sync)
            {
                _backlog = null;
            }

            SocketIOLog.BacklogFailed(_server.Logger, Connection.Id, e);
            Fail();
        }
        finally
        {
            ResumeReading();
        }
    }

    /// <summary>An async handler of this client started: past MaxPendingHandlersPerConnection, stop reading from it.</summary>
    internal void HandlerStarted()
    {
        if (Interlocked.Increment(ref _pendingHandlers) == _server.Options.MaxPendingHandlersPerConnection)
        {
            SocketIOLog.HandlerBackpressure(_server.Logger, Connection.Id, _server.Options.MaxPendingHandlersPerConnection);
            PauseReading();
        }
    }

    /// <summary>An async handler of this client ended.</summary>
    internal void HandlerEnded()
    {
        if (Interlocked.Decrement(ref _pendingHandlers) == _server.Options.MaxPendingHandlersPerConnection - 1)
        {
            ResumeReading();
        }
    }

    /// <summary>Async handlers of this client still running (tests).</summary>
    internal int PendingHandlers => Volatile.Read(ref _pendingHandlers);

    // Pauses nest: reading goes on once every pause is resumed.
    private void PauseReading()
    {
        lock (_sync)
        {
            if (_pauses++ == 0)
            {
                _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Connection.PauseReadingUntil(_resume.Task);
            }
        }
    }

    private void ResumeReading()
    {
        TaskCompletionSource? resume = null;
        lock (_sync)
        {
            if (--_pauses == 0)
            {
                resume = _resume;
                _resume = null;
            }
        }

        resume?.TrySetResult();
    }

    private void Handle(SocketIOPacket packet)
    {
        if (packet.Type == SocketIOPacketType.Connect)
        {
            OnConnectPacket(packet);
            return;
        }

        SocketIOSocket? socket;
        lock (_sync)
        {
            socket = FindSocket(packet.Namespace);
        }

        if (socket is null || packet.Type == SocketIOPacketType.ConnectError)
        {
            // As the reference: a packet for a namespace not joined, or a CONNECT_ERROR (only servers send those), is an invalid state.
            SocketIOLog.PacketForUnknownNamespace(_server.Logger, Connection.Id, packet.Type.ToString(), packet.Namespace);
            Fail();
            return;
        }

        socket.OnPacket(packet);
    }

    private void OnConnectPacket(SocketIOPacket packet)
    {
        var name = packet.Namespace;
        if (Connection.AuthorizationRefusal is { } refusal)
        {
            // The endpoint's authorization refused this WebSocket handshake: tell the client in its connect_error.
            SocketIOLog.EndpointAuthorizationRefused(_server.Logger, Connection.Id, name, refusal.Message);
            Send(_server.Parser.EncodeConnectError(name, refusal.Message, refusal.Data), isVolatile: false);
            return;
        }

        lock (_sync)
        {
            if (FindSocket(name) is not null || (_pending?.ContainsKey(name) ?? false))
            {
                SocketIOLog.DuplicateConnect(_server.Logger, Connection.Id, name);
                _failed = true;
            }
        }

        if (_failed)
        {
            Connection.Close(EngineCloseReasons.ForcedClose);
            return;
        }

        var nsp = _server.ResolveNamespace(name);
        if (nsp is null)
        {
            SocketIOLog.InvalidNamespace(_server.Logger, Connection.Id, name);
            Send(_server.Parser.EncodeConnectError(name, "Invalid namespace", null), isVolatile: false);
            return;
        }

        var task = nsp.ConnectAsync(this, packet.Data ?? SocketIOArguments.Empty);
        if (!task.IsCompletedSuccessfully)
        {
            ObserveConnect(task, name);
        }
    }

    private async void ObserveConnect(ValueTask task, string name)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SocketIOLog.ConnectFailed(_server.Logger, Connection.Id, name, e);
            Connection.Close(EngineCloseReasons.ForcedClose);
        }
    }

    /// <summary>A protocol error: the whole connection closes, as the reference does.</summary>
    private void Fail()
    {
        _failed = true;
        _decoder.Reset();
        Connection.Close(EngineCloseReasons.ForcedClose);
    }

    public bool Send(EncodedPacket packet, bool isVolatile)
    {
        var attachments = packet.Attachments;
        if (attachments.Length == 0)
        {
            return Connection.TrySend(new EngineMessage(packet.Payload, packet.PayloadIsBinary), isVolatile);
        }

        var messages = new EngineMessage[1 + attachments.Length];
        messages[0] = new EngineMessage(packet.Payload, packet.PayloadIsBinary);
        for (var i = 0; i < attachments.Length; i++)
        {
            messages[i + 1] = EngineMessage.Binary(attachments[i]);
        }

        return Connection.TrySend(messages, isVolatile);
    }

    /// <summary>
    /// Sends a packet of the typed path. A pooled payload is handed over as is when the transport honours pooled buffers
    /// (it takes its own reference), copied otherwise; the caller keeps its reference either way.
    /// </summary>
    public bool Send(in OutgoingPacket packet, bool isVolatile)
    {
        var payload = packet.Payload;
        if (packet.Buffer is not null && !Connection.SupportsPooledBuffers)
        {
            payload = payload.ToArray();
        }

        var attachments = packet.Attachments;
        if (attachments.Length == 0)
        {
            return Connection.TrySend(new EngineMessage(payload, packet.PayloadIsBinary), isVolatile);
        }

        var messages = new EngineMessage[1 + attachments.Length];
        messages[0] = new EngineMessage(payload, packet.PayloadIsBinary);
        for (var i = 0; i < attachments.Length; i++)
        {
            messages[i + 1] = EngineMessage.Binary(attachments[i]);
        }

        return Connection.TrySend(messages, isVolatile);
    }

    public void AddPending(SocketIOSocket socket)
    {
        lock (_sync)
        {
            (_pending ??= new(StringComparer.Ordinal))[socket.Namespace.Name] = socket;
        }
    }

    public void RemovePending(SocketIOSocket socket)
    {
        lock (_sync)
        {
            if (_pending is not null && _pending.TryGetValue(socket.Namespace.Name, out var existing) && ReferenceEquals(existing, socket))
            {
                RemovePendingCore(socket.Namespace.Name);
            }
        }
    }

    public void Promote(SocketIOSocket socket)
    {
        ITimer? timer;
        lock (_sync)
        {
            RemovePendingCore(socket.Namespace.Name);
            SetSocket(socket);
            _everConnected = true;
            timer = _connectTimer;
            _connectTimer = null;
        }

        timer?.Dispose();
    }

    // Under _sync.
    private SocketIOSocket? FindSocket(string name)
    {
        if (_sockets is not null)
        {
            return _sockets.GetValueOrDefault(name);
        }

        return _socket is { } socket && string.Equals(socket.Namespace.Name, name, StringComparison.Ordinal) ? socket : null;
    }

    // Under _sync: adds the socket of its namespace, replacing the one there was.
    private void SetSocket(SocketIOSocket socket)
    {
        var name = socket.Namespace.Name;
        if (_sockets is not null)
        {
            _sockets[name] = socket;
        }
        else if (_socket is null || string.Equals(_socket.Namespace.Name, name, StringComparison.Ordinal))
        {
            _socket = socket;
        }
        else
        {
            _sockets = new Dictionary<string, SocketIOSocket>(StringComparer.Ordinal) { [_socket.Namespace.Name] = _socket, [name] = socket };
            _socket = null;
        }
    }

    // Under _sync: an idle connection keeps no pending table.
    private void RemovePendingCore(string name)
    {
        if (_pending is not null && _pending.Remove(name) && _pending.Count == 0)
        {
            _pending = null;
        }
    }

    public void RemoveSocket(SocketIOSocket socket)
    {
        lock (_sync)
        {
            if (_sockets is null)
            {
                if (ReferenceEquals(_socket, socket))
                {
                    _socket = null;
                }
            }
            else if (_sockets.TryGetValue(socket.Namespace.Name, out var existing) && ReferenceEquals(existing, socket))
            {
                _sockets.Remove(socket.Namespace.Name);
            }
        }
    }

    /// <summary>Server-side <c>disconnect(true)</c>: every namespace gets DISCONNECT, then the connection closes.</summary>
    public void DisconnectAllAndClose()
    {
        foreach (var socket in Snapshot())
        {
            socket.Disconnect(close: false);
        }

        Connection.Close(EngineCloseReasons.ForcedClose);
    }

    /// <summary>The sockets connected now (not those still connecting); for instrumentation.</summary>
    public SocketIOSocket[] ConnectedSockets
    {
        get
        {
            lock (_sync)
            {
                return _sockets is not null ? [.. _sockets.Values] : _socket is null ? [] : [_socket];
            }
        }
    }

    private SocketIOSocket[] Snapshot()
    {
        lock (_sync)
        {
            SocketIOSocket[] sockets = _sockets is not null ? [.. _sockets.Values] : _socket is null ? [] : [_socket];
            return _pending is null ? sockets : [.. sockets, .. _pending.Values];
        }
    }

    private void OnConnectTimeout()
    {
        bool connected;
        lock (_sync)
        {
            connected = _everConnected || _socket is not null || _sockets?.Count > 0;
            _connectTimer?.Dispose();
            _connectTimer = null;
        }

        if (!connected)
        {
            SocketIOLog.ConnectTimeout(_server.Logger, Connection.Id);
            Connection.Close(EngineCloseReasons.ForcedClose);
        }
    }

    public void OnClose(string reason)
    {
        ITimer? timer;
        lock (_sync)
        {
            timer = _connectTimer;
            _connectTimer = null;
        }

        timer?.Dispose();
        _decoder.Reset();
        foreach (var socket in Snapshot())
        {
            socket.OnClose(reason);
        }

        lock (_sync)
        {
            _backlog = null;
        }
    }
}
