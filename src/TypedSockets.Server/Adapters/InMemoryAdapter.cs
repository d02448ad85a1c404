using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.Diagnostics;

namespace TypedSockets.Server.Adapters;

/// <summary>The default adapter: rooms of one server, kept in memory. Thread safe.</summary>
public partial class InMemoryAdapter : SocketIOAdapter
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, StringSet> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StringSet> _sids = new(StringComparer.Ordinal);

    // Connection state recovery: kept sessions and the broadcasts they may need, oldest first.
    private readonly Lock _recoverySync = new();

    // With recovery on, held from taking a broadcast's offset until it is queued to every recipient (offset order).
    private readonly Lock _broadcastOrder = new();
    private readonly Dictionary<string, (SocketSession Session, long DisconnectedAt)> _sessions = new(StringComparer.Ordinal);
    private readonly Queue<StoredPacket> _packets = new();
    private readonly Dictionary<string, long> _offsets = new(StringComparer.Ordinal);
    private readonly string _offsetPrefix = SocketIds.Create()[..6];
    private long _nextSequence;
    private ITimer? _cleanupTimer;

    /// <summary>An adapter for <paramref name="nsp"/>; cluster adapters derive from it to keep the local rooms.</summary>
    public InMemoryAdapter(SocketIONamespace nsp)
        : base(nsp)
    {
    }

    private ConnectionStateRecoveryOptions? Recovery => Namespace.Server.Options.ConnectionStateRecovery;

    /// <summary>Starts the timer that drops expired recovery sessions and packets when connection state recovery is on.</summary>
    public override ValueTask InitAsync()
    {
        if (Recovery is { } recovery)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(recovery.MaxDisconnectionDuration.Ticks / 2, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromMinutes(1).Ticks));
            _cleanupTimer = TimeProvider.CreateTimer(static s => ((InMemoryAdapter)s!).RemoveExpired(), this, period, period);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Stops the recovery cleanup timer.</summary>
    public override ValueTask DisposeAsync()
    {
        _cleanupTimer?.Dispose();
        return ValueTask.CompletedTask;
    }

    // EmittedAt: a timestamp of the server's TimeProvider.
    private sealed record StoredPacket(long Sequence, long EmittedAt, BroadcastPacket Packet, BroadcastOptions Options);

    /// <summary>
    /// With recovery on, a non-volatile broadcast gets an offset (its last argument) and is kept for replay.
    /// Cluster adapters call this before forwarding so every node stores the same packet.
    /// </summary>
    protected BroadcastPacket StoreForRecovery(BroadcastPacket packet, BroadcastOptions options)
    {
        if (Recovery is not { } recovery || options.Volatile || packet.Offset is not null)
        {
            return packet;
        }

        lock (_recoverySync)
        {
            var sequence = _nextSequence++;
            var stored = packet.WithOffset(_offsetPrefix + sequence.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
            _packets.Enqueue(new StoredPacket(sequence, TimeProvider.GetTimestamp(), stored, options));
            _offsets[stored.Offset!] = sequence;
            while (_packets.Count > recovery.MaxStoredPackets)
            {
                _offsets.Remove(_packets.Dequeue().Packet.Offset!);
            }

            return stored;
        }
    }

    /// <inheritdoc/>
    public override ValueTask PersistSessionAsync(SocketSession session)
    {
        lock (_recoverySync)
        {
            _sessions[session.Pid] = (session, TimeProvider.GetTimestamp());
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override ValueTask<RecoveredSession?> RestoreSessionAsync(string pid, string offset)
    {
        if (Recovery is not { } recovery)
        {
            return new((RecoveredSession?)null);
        }

        lock (_recoverySync)
        {
            if (!_sessions.Remove(pid, out var kept))
            {
                return new((RecoveredSession?)null);
            }

            if (TimeProvider.GetElapsedTime(kept.DisconnectedAt) > recovery.MaxDisconnectionDuration || !_offsets.TryGetValue(offset, out var after))
            {
                return new((RecoveredSession?)null);
            }

            var rooms = kept.Session.Rooms;
            var missed = new List<BroadcastPacket>();
            foreach (var stored in _packets)
            {
                if (stored.Sequence > after && ShouldInclude(rooms, stored.Options))
                {
                    missed.Add(stored.Packet);
                }
            }

            return new(new RecoveredSession(kept.Session, missed));
        }
    }

    /// <inheritdoc/>
    public override ValueTask<IReadOnlyList<BroadcastPacket>> GetPacketsAfterAsync(string offset, IReadOnlyCollection<string> rooms)
    {
        var result = new List<BroadcastPacket>();
        lock (_recoverySync)
        {
            if (_offsets.TryGetValue(offset, out var after))
            {
                foreach (var stored in _packets)
                {
                    if (stored.Sequence > after && ShouldInclude(rooms, stored.Options))
                    {
                        result.Add(stored.Packet);
                    }
                }
            }
        }

        return new(result);
    }

    private static bool ShouldInclude(IReadOnlyCollection<string> socketRooms, BroadcastOptions options)
    {
        var included = options.Rooms.Count == 0;
        foreach (var room in options.Rooms)
        {
            if (socketRooms.Contains(room))
            {
                included = true;
                break;
            }
        }

        if (!included)
        {
            return false;
        }

        foreach (var room in options.Except)
        {
            if (socketRooms.Contains(room))
            {
                return false;
            }
        }

        return true;
    }

    private void RemoveExpired()
    {
        if (Recovery is not { } recovery)
        {
            return;
        }

        var maxAge = recovery.MaxDisconnectionDuration;
        var time = TimeProvider;
        var now = time.GetTimestamp();
        List<SocketSession>? expired = null;
        lock (_recoverySync)
        {
            foreach (var (pid, kept) in _sessions)
            {
                if (time.GetElapsedTime(kept.DisconnectedAt, now) > maxAge)
                {
                    (expired ??= []).Add(kept.Session);
                }
            }

            if (expired is not null)
            {
                foreach (var session in expired)
                {
                    _sessions.Remove(session.Pid);
                }
            }

            while (_packets.TryPeek(out var oldest) && time.GetElapsedTime(oldest.EmittedAt, now) > maxAge)
            {
                _offsets.Remove(_packets.Dequeue().Packet.Offset!);
            }
        }

        if (expired is not null)
        {
            foreach (var session in expired)
            {
                OnSessionExpired(session);
            }
        }
    }

    /// <inheritdoc/>
    public override ValueTask AddAllAsync(string socketId, IReadOnlyCollection<string> rooms)
    {
        List<string>? created = null;
        List<string>? joined = null;
        lock (_sync)
        {
            if (!_sids.TryGetValue(socketId, out var socketRooms))
            {
                socketRooms = new StringSet();
                _sids[socketId] = socketRooms;
            }

            foreach (var room in rooms)
            {
                if (!socketRooms.Add(room))
                {
                    continue;
                }

                if (!_rooms.TryGetValue(room, out var members))
                {
                    members = new StringSet();
                    _rooms[room] = members;
                    (created ??= []).Add(room);
                }

                members.Add(socketId);
                (joined ??= []).Add(room);
            }
        }

        if (created is not null)
        {
            foreach (var room in created)
            {
                OnRoomCreated(room);
            }
        }

        if (joined is not null)
        {
            foreach (var room in joined)
            {
                OnRoomJoined(room, socketId);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override ValueTask DelAsync(string socketId, string room)
    {
        bool left;
        var deleted = false;
        lock (_sync)
        {
            left = _sids.TryGetValue(socketId, out var socketRooms) && socketRooms.Remove(room);
            if (left)
            {
                deleted = RemoveMember(room, socketId);
            }
        }

        if (deleted)
        {
            OnRoomDeleted(room);
        }

        if (left)
        {
            OnRoomLeft(room, socketId);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override ValueTask DelAllAsync(string socketId)
    {
        StringSet? socketRooms;
        List<string>? deleted = null;
        lock (_sync)
        {
            if (!_sids.Remove(socketId, out socketRooms))
            {
                return ValueTask.CompletedTask;
            }

            foreach (var room in socketRooms)
            {
                if (RemoveMember(room, socketId))
                {
                    (deleted ??= []).Add(room);
                }
            }
        }

        if (deleted is not null)
        {
            foreach (var room in deleted)
            {
                OnRoomDeleted(room);
            }
        }

        foreach (var room in socketRooms)
        {
            OnRoomLeft(room, socketId);
        }

        return ValueTask.CompletedTask;
    }

    private bool RemoveMember(string room, string socketId)
    {
        if (_rooms.TryGetValue(room, out var members) && members.Remove(socketId) && members.Count == 0)
        {
            _rooms.Remove(room);
            return true;
        }

        return false;
    }

    /// <inheritdoc/>
    public override IReadOnlyCollection<string>? GetSocketRooms(string socketId)
    {
        lock (_sync)
        {
            return _sids.TryGetValue(socketId, out var rooms) ? [.. rooms] : null;
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyCollection<string> GetRooms()
    {
        lock (_sync)
        {
            return [.. _rooms.Keys];
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyCollection<string> GetSockets(IReadOnlyCollection<string> rooms)
    {
        var result = new List<string>();
        lock (_sync)
        {
            if (rooms.Count == 0)
            {
                result.AddRange(_sids.Keys);
            }
            else
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var room in rooms)
                {
                    if (_rooms.TryGetValue(room, out var members))
                    {
                        foreach (var id in members)
                        {
                            if (seen.Add(id))
                            {
                                result.Add(id);
                            }
                        }
                    }
                }
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public override ValueTask BroadcastAsync(BroadcastPacket packet, BroadcastOptions options)
    {
        if (Recovery is not null && !options.Volatile && packet.Offset is null)
        {
            // A client resumes from the last offset it received, so every socket must get the packets in offset order:
            // two broadcasts racing between taking their offsets and queueing them could otherwise reach a socket as
            // o+1 then o, and a recovery from o would replay o+1 (or, dropped before o arrived, from o+1 would skip o).
            lock (_broadcastOrder)
            {
                SendToRecipients(StoreForRecovery(packet, options), options);
            }

            return ValueTask.CompletedTask;
        }

        SendToRecipients(StoreForRecovery(packet, options), options);
        return ValueTask.CompletedTask;
    }

    private void SendToRecipients(BroadcastPacket packet, BroadcastOptions options)
    {
        var encoded = packet.Encode(Namespace.Server.Parser);
        var recipients = ComputeRecipients(options);
        if (ServerActivities.IsEnabled())
        {
            ServerActivities.AddRecipients(recipients.Count);
        }

        foreach (var socket in recipients)
        {
            socket.SendEncoded(encoded, options.Volatile, packet.Offset);
        }
    }

    /// <inheritdoc/>
    public override ValueTask BroadcastWithAckAsync(BroadcastPacket packet, BroadcastOptions options, Action<int> onClientCount, Action<SocketIOArguments?> onAck)
    {
        var ackId = Namespace.NextAckId();
        var encoded = packet.Encode(Namespace.Server.Parser, ackId);
        var recipients = ComputeRecipients(options);
        onClientCount(recipients.Count);
        foreach (var socket in recipients)
        {
            socket.RegisterBroadcastAck(ackId, onAck);
            socket.SendEncoded(encoded, options.Volatile);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override ValueTask<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
    {
        var recipients = ComputeRecipients(options);
        var result = new List<RemoteSocket>(recipients.Count);
        foreach (var socket in recipients)
        {
            result.Add(RemoteSocket.FromLocal(socket));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public override async ValueTask AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var socket in ComputeRecipients(options))
        {
            await socket.JoinAsync(rooms).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var socket in ComputeRecipients(options))
        {
            foreach (var room in rooms)
            {
                await socket.LeaveAsync(room).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public override ValueTask DisconnectSocketsAsync(BroadcastOptions options, bool close)
    {
        foreach (var socket in ComputeRecipients(options))
        {
            socket.Disconnect(close);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The local sockets an operation targets, each once.</summary>
    protected List<SocketIOSocket> ComputeRecipients(BroadcastOptions options)
    {
        var result = new List<SocketIOSocket>();
        var sockets = Namespace.LocalSockets;
        lock (_sync)
        {
            HashSet<string>? except = null;
            if (options.Except.Count > 0)
            {
                except = new HashSet<string>(StringComparer.Ordinal);
                foreach (var room in options.Except)
                {
                    if (_rooms.TryGetValue(room, out var members))
                    {
                        except.UnionWith(members);
                    }
                }
            }

            if (options.Rooms.Count == 0)
            {
                foreach (var id in _sids.Keys)
                {
                    if ((except is null || !except.Contains(id)) && sockets.TryGetValue(id, out var socket))
                    {
                        result.Add(socket);
                    }
                }
            }
            else if (options.Rooms.Count == 1 && except is null)
            {
                foreach (var room in options.Rooms)
                {
                    if (_rooms.TryGetValue(room, out var members))
                    {
                        foreach (var id in members)
                        {
                            if (sockets.TryGetValue(id, out var socket))
                            {
                                result.Add(socket);
                            }
                        }
                    }
                }
            }
            else
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var room in options.Rooms)
                {
                    if (!_rooms.TryGetValue(room, out var members))
                    {
                        continue;
                    }

                    foreach (var id in members)
                    {
                        if ((except is null || !except.Contains(id)) && seen.Add(id) && sockets.TryGetValue(id, out var socket))
                        {
                            result.Add(socket);
                        }
                    }
                }
            }
        }

        return result;
    }
}
