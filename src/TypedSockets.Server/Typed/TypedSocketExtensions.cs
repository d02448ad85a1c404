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
        return Handle(socket, target, argumentsInvalid: null);
    }

    /// <summary>
    /// <see cref="Handle{TServer}(SocketIOSocket, TServer)"/>; when an event's arguments do not bind (the method is then
    /// not called), <paramref name="argumentsInvalid"/> is asked for the acknowledgement to send instead. A null answer,
    /// or no <paramref name="argumentsInvalid"/>, lets the binding error through as before (no acknowledgement).
    /// </summary>
    internal static SocketIOSocket Handle<TServer>(SocketIOSocket socket, TServer target, Func<string, Exception, object?>? argumentsInvalid)
        where TServer : class
    {
        var contract = SocketContract<TServer>.Get();
        Func<SocketIOEvent, ValueTask> handler = evt =>
        {
            var context = new SocketIOEventContext(evt);
            ValueTask completion;
            try
            {
                if (!contract.Dispatch(target, evt.Name, context, out completion))
                {
                    return ValueTask.CompletedTask;
                }
            }
            catch (Exception) when (argumentsInvalid is not null && context.BindingError is not null)
            {
                if (!AnswerInvalid(evt, context.BindingError, argumentsInvalid))
                {
                    throw;
                }

                return ValueTask.CompletedTask;
            }

            return argumentsInvalid is null || completion.IsCompletedSuccessfully
                ? completion
                : AwaitDispatchAsync(completion, evt, context, argumentsInvalid);
        };
        foreach (var name in contract.EventNames)
        {
            socket.On(name, handler);
        }

        return socket;
    }

    private static async ValueTask AwaitDispatchAsync(ValueTask completion, SocketIOEvent evt, SocketIOEventContext context, Func<string, Exception, object?> argumentsInvalid)
    {
        try
        {
            await completion.ConfigureAwait(false);
        }
        catch (Exception) when (context.BindingError is not null)
        {
            if (!AnswerInvalid(evt, context.BindingError, argumentsInvalid))
            {
                throw;
            }
        }
    }

    /// <summary>Sends the answer to an event whose arguments did not bind; false when there is none (the error then propagates).</summary>
    private static bool AnswerInvalid(SocketIOEvent evt, Exception error, Func<string, Exception, object?> argumentsInvalid)
    {
        if (argumentsInvalid(evt.Name, error) is not { } reply)
        {
            return false;
        }

        if (evt.HasAck)
        {
            evt.Ack(reply);
        }

        return true;
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
    /// created with the client's scoped services (constructor injection). Code outside the hub reaches the namespace's
    /// clients through <see cref="ISocketHubContext{THub, TClient}"/>.
    /// </summary>
    public static SocketIONamespace MapNamespace<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THub>(
        this SocketIOServer server, string name = "/")
        where THub : SocketHub
    {
        ArgumentNullException.ThrowIfNull(server);
        var nsp = server.Of(name);
        server.Services.GetService<SocketIOServerRegistry>()?.AddHub(typeof(THub), nsp);
        var factory = ActivatorUtilities.CreateFactory<THub>([]);
        nsp.OnConnection(socket => factory(socket.Services, []).AttachAsync(socket));
        return nsp;
    }
}
