using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server.Adapters;

/// <summary>
/// Rooms and every cross-socket operation of one namespace. The default keeps them in memory; a cluster adapter
/// (Redis) extends it and forwards operations to other servers. Every operation is asynchronous and its inputs
/// serializable so it can cross a network.
/// </summary>
public abstract class SocketIOAdapter : IAsyncDisposable
{
    /// <summary>An adapter for <paramref name="nsp"/>; <see cref="ISocketIOAdapterFactory"/> implementations call it once per namespace.</summary>
    protected SocketIOAdapter(SocketIONamespace nsp)
    {
        Namespace = nsp;
    }

    /// <summary>The namespace whose rooms and operations this adapter holds.</summary>
    public SocketIONamespace Namespace { get; }

    /// <summary>
    /// The clock of the server this adapter is attached to (<see cref="EngineIO.EngineIOOptions.TimeProvider"/> of
    /// <see cref="SocketIOServer.Options"/>): adapters take every expiry, timeout and periodic task from it, so a test
    /// with a fake clock controls them too.
    /// </summary>
    protected TimeProvider TimeProvider => Namespace.Server.Options.TimeProvider;

    /// <summary>A room was created (its first member joined).</summary>
    public event Action<string>? RoomCreated;

    /// <summary>A room was deleted (its last member left).</summary>
    public event Action<string>? RoomDeleted;

    /// <summary>A socket joined a room: (room, socket id).</summary>
    public event Action<string, string>? RoomJoined;

    /// <summary>A socket left a room: (room, socket id).</summary>
    public event Action<string, string>? RoomLeft;

    /// <summary>Called once when the namespace is created.</summary>
    public virtual ValueTask InitAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Adds the local socket <paramref name="socketId"/> to <paramref name="rooms"/> (rooms it is already in are left as
    /// they are), raising <see cref="RoomCreated"/> and <see cref="RoomJoined"/> as needed.
    /// </summary>
    public abstract ValueTask AddAllAsync(string socketId, IReadOnlyCollection<string> rooms);

    /// <summary>Removes the local socket <paramref name="socketId"/> from <paramref name="room"/> (nothing when it is not a member), raising <see cref="RoomLeft"/> and <see cref="RoomDeleted"/> as needed.</summary>
    public abstract ValueTask DelAsync(string socketId, string room);

    /// <summary>Removes the local socket <paramref name="socketId"/> from every room it is in (called when it disconnects).</summary>
    public abstract ValueTask DelAllAsync(string socketId);

    /// <summary>The rooms of a local socket (null when unknown).</summary>
    public abstract IReadOnlyCollection<string>? GetSocketRooms(string socketId);

    /// <summary>Every room on this server.</summary>
    public abstract IReadOnlyCollection<string> GetRooms();

    /// <summary>Local socket ids in any of <paramref name="rooms"/> (all when empty).</summary>
    public abstract IReadOnlyCollection<string> GetSockets(IReadOnlyCollection<string> rooms);

    /// <summary>
    /// Sends <paramref name="packet"/> to every socket <paramref name="options"/> targets: the local ones, and the other
    /// servers' unless <see cref="BroadcastOptions.Local"/> is set. Completes once the packet is handed on, not when
    /// clients received it.
    /// </summary>
    public abstract ValueTask BroadcastAsync(BroadcastPacket packet, BroadcastOptions options);

    /// <summary>
    /// Broadcasts with an ack: <paramref name="onClientCount"/> is called with how many sockets were reached
    /// (once per server), <paramref name="onAck"/> with each reply.
    /// </summary>
    public abstract ValueTask BroadcastWithAckAsync(BroadcastPacket packet, BroadcastOptions options, Action<int> onClientCount, Action<SocketIOArguments?> onAck);

    /// <summary>Snapshots of the sockets <paramref name="options"/> targets, across the cluster unless <see cref="BroadcastOptions.Local"/> is set.</summary>
    public abstract ValueTask<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options);

    /// <summary>Makes every socket <paramref name="options"/> targets join <paramref name="rooms"/>, across the cluster unless <see cref="BroadcastOptions.Local"/> is set.</summary>
    public abstract ValueTask AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>Makes every socket <paramref name="options"/> targets leave <paramref name="rooms"/>, across the cluster unless <see cref="BroadcastOptions.Local"/> is set.</summary>
    public abstract ValueTask DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>
    /// Disconnects every socket <paramref name="options"/> targets, across the cluster unless <see cref="BroadcastOptions.Local"/>
    /// is set. <paramref name="close"/> true also closes their underlying connections (every namespace of those clients).
    /// </summary>
    public abstract ValueTask DisconnectSocketsAsync(BroadcastOptions options, bool close);

    /// <summary>Keeps the state of a socket that disconnected for a recoverable reason (connection state recovery).</summary>
    public virtual ValueTask PersistSessionAsync(SocketSession session) => ValueTask.CompletedTask;

    /// <summary>Finds a kept session and the packets broadcast after <paramref name="offset"/>; null when it cannot be recovered.</summary>
    public virtual ValueTask<RecoveredSession?> RestoreSessionAsync(string pid, string offset) => new((RecoveredSession?)null);

    /// <summary>
    /// The kept packets broadcast after <paramref name="offset"/> that a socket in <paramref name="rooms"/> would have
    /// received. Called once a recovered socket has joined its rooms, to close the gap between reading the missed
    /// packets and the socket receiving live ones (duplicates are dropped by offset).
    /// </summary>
    public virtual ValueTask<IReadOnlyList<BroadcastPacket>> GetPacketsAfterAsync(string offset, IReadOnlyCollection<string> rooms) =>
        new((IReadOnlyList<BroadcastPacket>)[]);

    /// <summary>A kept session expired without being recovered.</summary>
    public event Action<SocketSession>? SessionExpired;

    /// <summary>Raises <see cref="SessionExpired"/>; adapters call it when they drop a kept session.</summary>
    protected void OnSessionExpired(SocketSession session) => SessionExpired?.Invoke(session);

    /// <summary>Sends an event to the other servers of the cluster (nothing to do without a cluster).</summary>
    public virtual ValueTask ServerSideEmitAsync(string eventName, object?[] args) => ValueTask.CompletedTask;

    /// <summary>
    /// Sends an event to the other servers of the cluster and collects one reply per server; <paramref name="timeout"/>
    /// null means the adapter's request timeout. Throws <see cref="TimeoutException"/> when some did not reply in time.
    /// </summary>
    public virtual Task<IReadOnlyList<SocketIOArguments>> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SocketIOArguments>>([]);

    /// <summary>
    /// Cluster adapters call this with an event another server sent; <paramref name="ack"/> sends this server's reply
    /// (null when the sender expects none).
    /// </summary>
    protected void OnServerSideEmit(string eventName, SocketIOArguments args, Action<object?>? ack) => Namespace.DispatchServerSideEmit(eventName, args, ack);

    /// <summary>All rooms across the cluster.</summary>
    public virtual ValueTask<IReadOnlyCollection<string>> GetAllRoomsAsync() => new(GetRooms());

    /// <summary>How many servers share this namespace (1 without a cluster).</summary>
    public virtual ValueTask<int> ServerCountAsync() => new(1);

    /// <summary>Releases what the adapter holds (timers, subscriptions); called when the server shuts down.</summary>
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Raises <see cref="RoomCreated"/>.</summary>
    protected void OnRoomCreated(string room) => RoomCreated?.Invoke(room);

    /// <summary>Raises <see cref="RoomDeleted"/>.</summary>
    protected void OnRoomDeleted(string room) => RoomDeleted?.Invoke(room);

    /// <summary>Raises <see cref="RoomJoined"/>.</summary>
    protected void OnRoomJoined(string room, string socketId) => RoomJoined?.Invoke(room, socketId);

    /// <summary>Raises <see cref="RoomLeft"/>.</summary>
    protected void OnRoomLeft(string room, string socketId) => RoomLeft?.Invoke(room, socketId);
}

/// <summary>Creates the adapter of each namespace. Register another one in DI to change adapter.</summary>
public interface ISocketIOAdapterFactory
{
    /// <summary>The adapter of <paramref name="nsp"/>; called once when the namespace is created (static or as a child of a dynamic one).</summary>
    SocketIOAdapter Create(SocketIONamespace nsp);
}

internal sealed class InMemoryAdapterFactory : ISocketIOAdapterFactory
{
    public SocketIOAdapter Create(SocketIONamespace nsp) => new InMemoryAdapter(nsp);
}
