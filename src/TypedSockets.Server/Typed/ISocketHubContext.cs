using TypedSockets.Server.Adapters;

namespace TypedSockets.Server;

/// <summary>
/// The clients of the namespace hub <typeparamref name="THub"/> is mapped on, for code outside the hub (background
/// services, controllers): inject it (registered by <c>AddTypedSockets</c>). <typeparamref name="TClient"/> is the hub's
/// server-to-client contract. Every operation goes through the namespace's adapter, so it reaches the whole cluster.
/// Thread safe. Using it before <c>MapNamespace&lt;THub&gt;</c> ran, or when the hub is mapped on more than one
/// namespace, throws <see cref="InvalidOperationException"/>.
/// </summary>
/// <typeparam name="THub">The hub type given to <c>MapNamespace&lt;THub&gt;</c>.</typeparam>
/// <typeparam name="TClient">The hub's <c>TClient</c> contract.</typeparam>
public interface ISocketHubContext<THub, TClient>
    where THub : SocketHub
    where TClient : class
{
    /// <summary>The namespace the hub is mapped on.</summary>
    SocketIONamespace Namespace { get; }

    /// <summary>Every client of the namespace; narrow with <c>To</c>, <c>Except</c>, <c>User</c>, <c>Local</c>, <c>Volatile</c>, <c>Timeout</c>.</summary>
    SocketTargets<TClient> Clients { get; }

    /// <summary>Makes socket <paramref name="socketId"/> join <paramref name="room"/>, wherever in the cluster it is connected.</summary>
    ValueTask AddToRoomAsync(string socketId, string room);

    /// <summary>Makes socket <paramref name="socketId"/> leave <paramref name="room"/>, wherever in the cluster it is connected.</summary>
    ValueTask RemoveFromRoomAsync(string socketId, string room);

    /// <summary>The sockets of the namespace (of <paramref name="room"/> when given), across the cluster.</summary>
    ValueTask<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(string? room = null);
}
