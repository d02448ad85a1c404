using TypedSockets.Server.Adapters;

namespace TypedSockets.Server;

/// <summary>
/// <see cref="ISocketHubContext{THub, TClient}"/>: finds the namespace in <see cref="SocketIOServerRegistry"/> on first
/// use (so it can be constructed before the endpoints are mapped) and keeps it.
/// </summary>
internal sealed class SocketHubContext<THub, TClient> : ISocketHubContext<THub, TClient>
    where THub : SocketHub
    where TClient : class
{
    private readonly SocketIOServerRegistry _registry;
    private SocketIONamespace? _namespace;

    public SocketHubContext(SocketIOServerRegistry registry)
    {
        _registry = registry;
        if (SocketHub.ClientContractOf(typeof(THub)) is { } contract && contract != typeof(TClient))
        {
            throw new InvalidOperationException(
                $"ISocketHubContext<{typeof(THub).Name}, {typeof(TClient).Name}>: {typeof(THub)} sends {contract}, not {typeof(TClient)}; inject ISocketHubContext<{typeof(THub).Name}, {contract.Name}>.");
        }
    }

    public SocketIONamespace Namespace => Volatile.Read(ref _namespace) ?? Resolve();

    public SocketTargets<TClient> Clients => new(Namespace.BroadcastSink);

    public ValueTask AddToRoomAsync(string socketId, string room)
    {
        ArgumentNullException.ThrowIfNull(socketId);
        ArgumentNullException.ThrowIfNull(room);
        return Namespace.In(socketId).SocketsJoinAsync(room);
    }

    public ValueTask RemoveFromRoomAsync(string socketId, string room)
    {
        ArgumentNullException.ThrowIfNull(socketId);
        ArgumentNullException.ThrowIfNull(room);
        return Namespace.In(socketId).SocketsLeaveAsync(room);
    }

    public ValueTask<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(string? room = null) =>
        room is null ? Namespace.FetchSocketsAsync() : Namespace.In(room).FetchSocketsAsync();

    private SocketIONamespace Resolve()
    {
        var nsp = _registry.GetHubNamespace(typeof(THub));
        Volatile.Write(ref _namespace, nsp);
        return nsp;
    }
}
