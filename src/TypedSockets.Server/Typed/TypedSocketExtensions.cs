using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSockets.Server;

/// <summary>Typed emitters, dispatchers and hubs on the Socket.IO server API.</summary>
public static class TypedSocketExtensions
{
    /// <summary>
    /// A generated emitter for this client: every call of a <typeparamref name="TClient"/> method sends its event
    /// (methods returning <c>Task&lt;T&gt;</c> wait for the client's acknowledgement).
    /// </summary>
    public static TClient Emitter<TClient>(this SocketIOSocket socket)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(socket);
        return SocketContract<TClient>.Get().CreateEmitter(socket.TypedSink);
    }

    /// <summary>
    /// Routes this client's events of contract <typeparamref name="TServer"/> to <paramref name="target"/> with the
    /// generated dispatcher; results of <c>Task&lt;T&gt;</c> methods are sent back as acknowledgements.
    /// </summary>
    public static SocketIOSocket Handle<TServer>(this SocketIOSocket socket, TServer target)
        where TServer : class
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(target);
        var contract = SocketContract<TServer>.Get();
        Func<SocketIOEvent, ValueTask> handler = evt =>
            contract.Dispatch(target, evt.Name, new SocketIOEventContext(evt), out var completion) ? completion : ValueTask.CompletedTask;
        foreach (var name in contract.EventNames)
        {
            socket.On(name, handler);
        }

        return socket;
    }

    /// <summary>Excludes one socket from typed broadcast targets.</summary>
    public static SocketTargets<TClient> Except<TClient>(this SocketTargets<TClient> targets, SocketIOSocket socket)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(socket);
        return targets.Except(socket.Id);
    }

    /// <summary>
    /// Serves namespace <paramref name="name"/> with hub <typeparamref name="THub"/>: one instance per connected client,
    /// created with the client's scoped services (constructor injection).
    /// </summary>
    public static SocketIONamespace MapNamespace<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THub>(
        this SocketIOServer server, string name = "/")
        where THub : SocketHub
    {
        ArgumentNullException.ThrowIfNull(server);
        var nsp = server.Of(name);
        var factory = ActivatorUtilities.CreateFactory<THub>([]);
        nsp.OnConnection(socket => factory(socket.Services, []).AttachAsync(socket));
        return nsp;
    }
}
