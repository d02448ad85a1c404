
namespace TypedSockets.Server;

/// <summary>
/// The non-generic base of <see cref="SocketHub{TServer, TClient}"/> (what <c>MapNamespace&lt;THub&gt;</c> constrains to).
/// </summary>
public abstract class SocketHub
{
    private SocketIOSocket? _socket;

    private protected SocketHub()
    {
    }

    /// <summary>The client this hub instance serves.</summary>
    public SocketIOSocket Socket => _socket ?? throw new InvalidOperationException("The hub is not attached to a socket yet.");

    /// <summary>Called once the client's events are wired, before any of them is dispatched to this instance.</summary>
    public virtual ValueTask OnConnectedAsync() => ValueTask.CompletedTask;

    /// <summary>Called after the client disconnected (it has left its rooms).</summary>
    public virtual ValueTask OnDisconnectedAsync(string reason) => ValueTask.CompletedTask;

    internal async ValueTask AttachAsync(SocketIOSocket socket, ISocketHubFilter[] filters, bool serialDispatch)
    {
        _socket = socket;
        var whenIdle = Wire(socket, filters, serialDispatch);
        socket.OnDisconnect(async reason =>
        {
            try
            {
                if (whenIdle is not null)
                {
                    // Serial dispatch: the disconnect hook runs after the method in flight, like one more call.
                    await whenIdle().ConfigureAwait(false);
                }

                await (filters.Length == 0
                    ? OnDisconnectedAsync(reason)
                    : DisconnectedThrough(filters, 0, new SocketHubLifetimeContext(this), reason)).ConfigureAwait(false);
            }
            finally
            {
                switch (this)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
        });
        await (filters.Length == 0 ? OnConnectedAsync() : ConnectedThrough(filters, 0, new SocketHubLifetimeContext(this))).ConfigureAwait(false);
    }

    private ValueTask ConnectedThrough(ISocketHubFilter[] filters, int index, SocketHubLifetimeContext context) =>
        index == filters.Length
            ? OnConnectedAsync()
            : filters[index].OnConnectedAsync(context, next => ConnectedThrough(filters, index + 1, next));

    private ValueTask DisconnectedThrough(ISocketHubFilter[] filters, int index, SocketHubLifetimeContext context, string reason) =>
        index == filters.Length
            ? OnDisconnectedAsync(reason)
            : filters[index].OnDisconnectedAsync(context, reason, (next, why) => DisconnectedThrough(filters, index + 1, next, why));

    /// <summary>Routes the socket's events to this hub; with serial dispatch, returns what completes when no call is running.</summary>
    private protected abstract Func<Task>? Wire(SocketIOSocket socket, ISocketHubFilter[] filters, bool serialDispatch);
    /// <summary>The <c>TClient</c> of the <see cref="SocketHub{TServer, TClient}"/> <paramref name="hubType"/> derives from (null if none).</summary>
    internal static Type? ClientContractOf(Type hubType)
    {
        for (var type = hubType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(SocketHub<,>))
            {
                return type.GetGenericArguments()[1];
            }
        }

        return null;
    }
}

/// <summary>
/// A typed Socket.IO hub: one instance per connected client, created with the socket's scoped services. The hub
/// implements <typeparamref name="TServer"/> (the client-to-server contract, checked at compile time by TSG0011) and
/// reaches clients through <typeparamref name="TClient"/> (server-to-client) emitters.
/// Map it with <c>io.MapNamespace&lt;THub&gt;("/chat")</c>.
/// </summary>
/// <remarks>
/// <para>Concurrency: the client's events start in arrival order, but a method that awaits does not hold back the next
/// event, so two methods of the same instance can run at the same time (and a method can await the same client's
/// acknowledgement). State shared between methods needs synchronization, or map the hub with
/// <c>MapNamespace&lt;THub&gt;(name, o =&gt; o.SerialDispatch = true)</c>: one method at a time per client, in order, and
/// <see cref="SocketHub.OnDisconnectedAsync"/> after the method in flight.</para>
/// <para>Errors: arguments that do not bind are refused before the method runs; a method that throws a
/// <see cref="SocketInvocationException"/> answers the caller's acknowledgement with its message, code and data; any other
/// exception is logged and answered with a generic message (code <c>internal_error</c>).</para>
/// </remarks>
/// <typeparam name="TServer">The client-to-server contract the hub implements (its methods are kept for reflection: <c>[Authorize]</c> maps hub methods to events through them).</typeparam>
/// <typeparam name="TClient">The server-to-client contract.</typeparam>
public abstract class SocketHub<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods)] TServer, TClient> : SocketHub
    where TServer : class
    where TClient : class
{
    private TClient? _caller;
    private TClient? _volatileCaller;

    /// <summary>The client this hub serves, typed.</summary>
    public TClient Caller => _caller ??= SocketContract<TClient>.Get().CreateEmitter(Socket.TypedSink);

    /// <summary>
    /// The client this hub serves, for events it may miss: each is dropped when the client's transport cannot take it
    /// right now (the reference's <c>socket.volatile.emit</c>).
    /// </summary>
    public TClient VolatileCaller => _volatileCaller ??= SocketContract<TClient>.Get().CreateEmitter(new SocketIOSocketSink(Socket, isVolatile: true));

    /// <summary>
    /// The client this hub serves, with acknowledged calls (<c>Task&lt;T&gt;</c> methods) waiting at most
    /// <paramref name="timeout"/> for the reply (then <see cref="SocketAckTimeoutException"/>), instead of the server's
    /// <see cref="SocketIOServerOptions.DefaultAckTimeout"/>. Each call makes a new emitter; keep it to reuse.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public TClient CallerWithTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return SocketContract<TClient>.Get().CreateEmitter(new SocketIOSocketSink(Socket, ackTimeout: timeout));
    }

    /// <summary>Every client of the namespace; narrow with <c>To</c>, <c>Except</c>, <c>Local</c>, <c>Volatile</c>, <c>Timeout</c>.</summary>
    public SocketTargets<TClient> Clients => new(Socket.Namespace.BroadcastSink);

    /// <summary>Every client of the namespace but the caller.</summary>
    public SocketTargets<TClient> Others => Clients.Except(Socket.Id);

    private protected sealed override Func<Task>? Wire(SocketIOSocket socket, ISocketHubFilter[] filters, bool serialDispatch)
    {
        if (this is not TServer target)
        {
            throw new InvalidOperationException($"{GetType()} must implement {typeof(TServer)}.");
        }

        var dispatcher = new TypedEventDispatcher<TServer>(target, this, filters, serialDispatch, OnArgumentsInvalid);
        dispatcher.Register(socket);
        return serialDispatch ? dispatcher.WhenIdleAsync : null;
    }

    /// <summary>
    /// Called when the arguments of a <typeparamref name="TServer"/> event are refused (missing, null for a parameter that
    /// does not take null, or of the wrong type); the method is not called. A non-null result is sent as the
    /// acknowledgement instead of the standard error answer (and the event counts as handled); null, the default, lets
    /// the refusal through: the caller gets <c>{"error":{"message":...,"code":"invalid_arguments"}}</c> and the refusal is
    /// logged and counted. A missing optional argument is not an error: the parameter gets its default value.
    /// </summary>
    /// <param name="eventName">The event's name on the wire.</param>
    /// <param name="error">The refusal: a <see cref="SocketInvocationException"/> whose message names the event and the parameter.</param>
    protected virtual object? OnArgumentsInvalid(string eventName, Exception error) => null;
}

/// <summary>
/// A typed hub with typed per-socket data (the reference's <c>socket.data</c>): <see cref="Data"/> lives on the socket
/// as long as it is connected, so every event of this client sees the same object, and <c>FetchSocketsAsync</c> returns
/// it, on this server and, through a cluster adapter, on the others (read it with <c>RemoteSocket.GetData&lt;TData&gt;()</c>;
/// Node.js servers of the cluster see it as <c>socket.data</c>). It travels as the JSON parser writes it, so
/// <typeparamref name="TData"/> belongs in the app's <c>JsonSerializerContext</c> under Native AOT. The object is not
/// synchronized: guard it yourself if handlers of one socket change it concurrently.
/// </summary>
/// <typeparam name="TServer">The client-to-server contract the hub implements.</typeparam>
/// <typeparam name="TClient">The server-to-client contract.</typeparam>
/// <typeparam name="TData">The data kept per socket; a new one is created on first use.</typeparam>
public abstract class SocketHub<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods)] TServer, TClient, TData> : SocketHub<TServer, TClient>
    where TServer : class
    where TClient : class
    where TData : class, new()
{
    /// <summary>This socket's data: created on first use, or set by the hub (for example in <see cref="SocketHub.OnConnectedAsync"/>).</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public TData Data
    {
        get
        {
            if (Socket.TypedData is TData data)
            {
                return data;
            }

            return (TData)Socket.InitTypedData(new TData());
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Socket.TypedData = value;
        }
    }
}
