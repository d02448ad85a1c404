using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server;

// Shortcuts to the main namespace's server-side events.
public sealed partial class SocketIOServer
{
    /// <inheritdoc cref="SocketIONamespace.OnServerSideEmit(string, Func{ServerSideEvent, ValueTask})"/>
    public SocketIOServer OnServerSideEmit(string eventName, Func<ServerSideEvent, ValueTask> handler)
    {
        Sockets.OnServerSideEmit(eventName, handler);
        return this;
    }

    /// <inheritdoc cref="SocketIONamespace.OnServerSideEmit(string, Action{ServerSideEvent})"/>
    public SocketIOServer OnServerSideEmit(string eventName, Action<ServerSideEvent> handler)
    {
        Sockets.OnServerSideEmit(eventName, handler);
        return this;
    }

    /// <inheritdoc cref="SocketIONamespace.ServerSide{TEvents}"/>
    public SocketTargets<TEvents> ServerSide<TEvents>()
        where TEvents : class => Sockets.ServerSide<TEvents>();

    /// <inheritdoc cref="SocketIONamespace.HandleServerSide{TEvents}(TEvents)"/>
    public SocketIOServer HandleServerSide<TEvents>(TEvents target)
        where TEvents : class
    {
        Sockets.HandleServerSide(target);
        return this;
    }

    /// <inheritdoc cref="SocketIONamespace.ServerSideEmitAsync"/>
    public ValueTask ServerSideEmitAsync(string eventName, params object?[] args) => Sockets.ServerSideEmitAsync(eventName, args);

    /// <inheritdoc cref="SocketIONamespace.ServerSideEmitWithAckAsync"/>
    public Task<IReadOnlyList<SocketIOArguments>> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Sockets.ServerSideEmitWithAckAsync(eventName, args, timeout, cancellationToken);
}
