using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.Adapters;
using TypedSockets.Server.Diagnostics;

namespace TypedSockets.Server;

/// <summary>
/// A namespace ("/", "/admin", ...): its connect middlewares, connection handlers, sockets and rooms.
/// A dynamic parent (created by a regex or predicate) shares its middlewares and handlers with every child it creates.
/// </summary>
public partial class SocketIONamespace
{
    private readonly Lock _sync = new();
    private readonly SocketIONamespace? _parent;
    private Func<SocketIOSocket, ValueTask>[] _middlewares = [];
    private Func<SocketIOSocket, ValueTask>[] _connectionHandlers = [];
    private long _nextAckId;

    internal SocketIONamespace(SocketIOServer server, string name, SocketIONamespace? parent)
    {
        Server = server;
        Name = name;
        _parent = parent;
        Adapter = server.AdapterFactory.Create(this);
    }

    /// <summary>The namespace name ("/" for the main namespace).</summary>
    public string Name { get; }

    /// <summary>The server the namespace belongs to.</summary>
    public SocketIOServer Server { get; }

    /// <summary>The dynamic parent this namespace was created by, if any.</summary>
    public SocketIONamespace? Parent => _parent;

    /// <summary>The adapter holding the namespace's rooms (in memory, or a cluster adapter registered in DI).</summary>
    public SocketIOAdapter Adapter { get; }

    /// <summary>The sockets connected to this namespace on this server, by socket id.</summary>
    public IReadOnlyDictionary<string, SocketIOSocket> Sockets => LocalSockets;

    internal ConcurrentDictionary<string, SocketIOSocket> LocalSockets { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a connect middleware. It sees <see cref="SocketIOSocket.Handshake"/> (auth, headers, query, user) and refuses
    /// the connection by throwing <see cref="SocketConnectException"/>; middlewares run in order.
    /// </summary>
    public SocketIONamespace Use(Func<SocketIOSocket, ValueTask> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_sync)
        {
            _middlewares = [.. _middlewares, middleware];
        }

        return this;
    }

    /// <summary>Called for every socket that joins the namespace, after the middlewares accepted it.</summary>
    public SocketIONamespace OnConnection(Func<SocketIOSocket, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_sync)
        {
            _connectionHandlers = [.. _connectionHandlers, handler];
        }

        return this;
    }

    /// <inheritdoc cref="OnConnection(Func{SocketIOSocket, ValueTask})"/>
    public SocketIONamespace OnConnection(Action<SocketIOSocket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return OnConnection(socket =>
        {
            handler(socket);
            return ValueTask.CompletedTask;
        });
    }

    // ---- Broadcasting ------------------------------------------------------------------------------------------------

    /// <summary>Targets every socket of the namespace.</summary>
    public BroadcastOperator All => new(this, BroadcastOptions.All);

    /// <inheritdoc cref="BroadcastOperator.To(string[])"/>
    public BroadcastOperator To(params string[] rooms) => All.To(rooms);

    /// <inheritdoc cref="BroadcastOperator.To(string[])"/>
    public BroadcastOperator In(params string[] rooms) => All.To(rooms);

    /// <inheritdoc cref="BroadcastOperator.Except(string[])"/>
    public BroadcastOperator Except(params string[] rooms) => All.Except(rooms);

    /// <inheritdoc cref="BroadcastOperator.Local"/>
    public BroadcastOperator Local => All.Local;

    /// <inheritdoc cref="BroadcastOperator.Volatile"/>
    public BroadcastOperator Volatile => All.Volatile;

    /// <inheritdoc cref="BroadcastOperator.Timeout(TimeSpan)"/>
    public BroadcastOperator Timeout(TimeSpan timeout) => All.Timeout(timeout);

    /// <summary>Sends an event to every socket of the namespace (every child namespace for a dynamic parent).</summary>
    public virtual ValueTask EmitAsync(string eventName, params object?[] args) => All.EmitAsync(eventName, args);

    /// <inheritdoc cref="BroadcastOperator.FetchSocketsAsync"/>
    public ValueTask<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => All.FetchSocketsAsync();

    /// <inheritdoc cref="BroadcastOperator.SocketsJoinAsync(string[])"/>
    public ValueTask SocketsJoinAsync(params string[] rooms) => All.SocketsJoinAsync(rooms);

    /// <inheritdoc cref="BroadcastOperator.SocketsLeaveAsync(string[])"/>
    public ValueTask SocketsLeaveAsync(params string[] rooms) => All.SocketsLeaveAsync(rooms);

    /// <inheritdoc cref="BroadcastOperator.DisconnectSocketsAsync(bool)"/>
    public ValueTask DisconnectSocketsAsync(bool close = false) => All.DisconnectSocketsAsync(close);

    // ---- Internals ---------------------------------------------------------------------------------------------------

    internal long NextAckId() => Interlocked.Increment(ref _nextAckId) - 1;

    private Func<SocketIOSocket, ValueTask>[] Middlewares => _parent is null ? _middlewares : [.. _parent._middlewares, .. _middlewares];

    private Func<SocketIOSocket, ValueTask>[] ConnectionHandlers => _parent is null ? _connectionHandlers : [.. _parent._connectionHandlers, .. _connectionHandlers];

    /// <summary>The rooms a socket joins when it connects: its own, its user's, and those of a recovered session.</summary>
    private static string[] OwnRooms(SocketIOSocket socket, RecoveredSession? recovered) => (socket.UserId, recovered) switch
    {
        (null, null) => [socket.Id],
        ({ } userId, null) => [socket.Id, SocketUsers.RoomOf(userId)],
        (null, { } r) => [socket.Id, .. r.Session.Rooms],
        ({ } userId, { } r) => [socket.Id, SocketUsers.RoomOf(userId), .. r.Session.Rooms],
    };

    internal void Remove(SocketIOSocket socket)
    {
        if (LocalSockets.TryRemove(new KeyValuePair<string, SocketIOSocket>(socket.Id, socket)) && _parent is SocketIOParentNamespace parent)
        {
            parent.ReleaseChild(this, connectEnded: false);
        }
    }

    /// <summary>
    /// The authorization of the hub mapped here (<c>[Authorize]</c> on the hub class): runs before the middlewares, also
    /// for a recovered session, and refuses with <see cref="SocketConnectException"/>. Null when there is none.
    /// </summary>
    internal Func<SocketIOSocket, ValueTask>? ConnectAuthorization { get; private set; }

    /// <summary>Adds a check to <see cref="ConnectAuthorization"/> (a namespace served by two hubs runs both, in order).</summary>
    internal void AddConnectAuthorization(Func<SocketIOSocket, ValueTask> check)
    {
        lock (_sync)
        {
            var previous = ConnectAuthorization;
            ConnectAuthorization = previous is null ? check : async socket =>
            {
                await previous(socket).ConfigureAwait(false);
                await check(socket).ConfigureAwait(false);
            };
        }
    }

    /// <summary>Connects attempts under way on this child namespace (guarded by its parent's lock).</summary>
    internal int PendingConnects { get; set; }

    /// <summary>Runs the connect sequence of a new socket: middlewares, CONNECT reply, connection handlers.</summary>
    internal ValueTask ConnectAsync(SocketIOConnection client, SocketIOArguments auth) =>
        _parent is SocketIOParentNamespace parent ? ConnectChildAsync(parent, client, auth) : ConnectCoreAsync(client, auth);

    // A child namespace stays alive while a connect attempt runs (ResolveNamespace counted it), then while it has sockets.
    private async ValueTask ConnectChildAsync(SocketIOParentNamespace parent, SocketIOConnection client, SocketIOArguments auth)
    {
        try
        {
            await ConnectCoreAsync(client, auth).ConfigureAwait(false);
        }
        finally
        {
            parent.ReleaseChild(this, connectEnded: true);
        }
    }

    private async ValueTask ConnectCoreAsync(SocketIOConnection client, SocketIOArguments auth)
    {
        // Current while the middlewares and connection handlers run (an async method keeps that change to itself).
        using var activity = ServerActivities.IsEnabled() ? StartConnectActivity(client) : null;
        var handshake = new SocketIOHandshake(client.Connection, auth);
        var recovery = Server.Options.ConnectionStateRecovery;
        RecoveredSession? recovered = null;
        string? recoveryOffset = null;
        if (recovery is not null &&
            auth.Count > 0 &&
            auth.TryGetStringProperty(0, "pid", out var pid) &&
            auth.TryGetStringProperty(0, "offset", out var offset))
        {
            recoveryOffset = offset;
            try
            {
                recovered = await Adapter.RestoreSessionAsync(pid!, offset!).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                SocketIOLog.RestoreSessionFailed(Server.Logger, Name, e);
            }
        }

        var scope = new LazyServiceScope(Server.ScopeFactory);
        var socket = recovered is null
            ? new SocketIOSocket(this, client, handshake, SocketIds.Create(), recovery is null ? null : SocketIds.Create(), scope)
            : new SocketIOSocket(this, client, handshake, recovered.Session.Sid, recovered.Session.Pid, scope) { Recovered = true };
        if (recovered is not null)
        {
            foreach (var (key, value) in recovered.Session.Data)
            {
                socket.Data[key] = value;
            }
        }

        client.AddPending(socket);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(ServerActivities.SocketIdTag, socket.Id);
            activity.SetTag(ServerActivities.RecoveredTag, recovered is not null);
        }

        var middlewares = recovered is not null && recovery!.SkipMiddlewares ? [] : Middlewares;
        try
        {
            if (ConnectAuthorization is { } authorize)
            {
                await authorize(socket).ConfigureAwait(false);
            }

            foreach (var middleware in middlewares)
            {
                await middleware(socket).ConfigureAwait(false);
            }

            socket.UserId = Server.UserIdProvider?.GetUserId(socket);
        }
        catch (Exception e)
        {
            var (message, data) = e is SocketConnectException sce ? (sce.Message, sce.ErrorData) : ("Internal server error", null);
            if (e is not SocketConnectException)
            {
                SocketIOLog.MiddlewareFailed(Server.Logger, socket.Id, e);
            }
            else
            {
                SocketIOLog.ConnectRefused(Server.Logger, Name, message);
            }

            if (activity is not null)
            {
                ServerActivities.SetError(activity, e, e is SocketConnectException ? ServerActivities.Refused : ServerActivities.Error);
            }

            client.RemovePending(socket);
            client.Send(Server.Parser.EncodeConnectError(Name, message, data), isVolatile: false);
            await socket.AbandonAsync(SocketDisconnectReasons.ServerNamespaceDisconnect).ConfigureAwait(false);
            return;
        }

        if (!client.Connection.IsOpen)
        {
            activity?.SetTag(ServerActivities.OutcomeTag, ServerActivities.Closed);
            client.RemovePending(socket);
            await socket.AbandonAsync(SocketDisconnectReasons.TransportClose).ConfigureAwait(false);
            return;
        }

        LocalSockets[socket.Id] = socket;
        await Adapter.AddAllAsync(socket.Id, OwnRooms(socket, recovered)).ConfigureAwait(false);
        IReadOnlyList<BroadcastPacket> missed = [];
        if (recovered is not null)
        {
            // Broadcasts reach the socket from here on (held until the CONNECT reply); ask again for what was kept
            // since the first read, so nothing falls between restoring the session and joining the rooms.
            var last = recovered.MissedPackets.Count > 0 ? recovered.MissedPackets[^1].Offset! : recoveryOffset!;
            var later = await Adapter.GetPacketsAfterAsync(last, socket.Rooms).ConfigureAwait(false);
            missed = later.Count == 0 ? recovered.MissedPackets : [.. recovered.MissedPackets, .. later];
        }

        client.Promote(socket);
        if (!socket.TryCompleteConnect(missed, Server.Parser.EncodeConnect(Name, socket.Id, socket.Pid)))
        {
            // The connection closed while the socket was being set up: undo the registration.
            activity?.SetTag(ServerActivities.OutcomeTag, ServerActivities.Closed);
            Remove(socket);
            client.RemoveSocket(socket);
            await Adapter.DelAllAsync(socket.Id).ConfigureAwait(false);
            await socket.AbandonAsync(SocketDisconnectReasons.TransportClose).ConfigureAwait(false);
            return;
        }

        Server.Metrics.SocketConnected(Name);
        SocketIOLog.SocketConnected(Server.Logger, socket.Id, Name, client.Connection.Id);
        Server.Observer?.SocketConnected(socket);
        activity?.SetTag(ServerActivities.OutcomeTag, ServerActivities.Ok);

        foreach (var handler in ConnectionHandlers)
        {
            try
            {
                await handler(socket).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                SocketIOLog.HandlerFailed(Server.Logger, "connection", socket.Id, e);
                activity?.AddException(e); // the socket stays connected: an event on the span, not an error status
            }
        }
    }

    /// <summary>
    /// Starts the <c>socketio.connect</c> span as a child of the connection's handshake span (a root span when that was not
    /// traced) rather than of the receive loop's request, and makes it current.
    /// </summary>
    private Activity? StartConnectActivity(SocketIOConnection client)
    {
        Activity.Current = null;
        var activity = ServerActivities.Source.StartActivity(
            ServerActivities.Connect, ActivityKind.Internal, client.Handshake?.Context ?? default);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(ServerActivities.RpcSystemTag, ServerActivities.RpcSystem);
            activity.SetTag(ServerActivities.NamespaceTag, Name);
            activity.SetTag(ServerActivities.SessionIdTag, client.Connection.Id);
            activity.SetTag(ServerActivities.TransportTag, client.Connection.Transport);
        }

        return activity;
    }
}

/// <summary>
/// A namespace matching names by a regex or predicate; children are created on their first connection. With
/// <see cref="SocketIOServerOptions.CleanupEmptyChildNamespaces"/> (the default) a child is removed when its last socket
/// leaves, and at most <see cref="SocketIOServerOptions.MaxChildNamespaces"/> children live at once.
/// </summary>
public sealed class SocketIOParentNamespace : SocketIONamespace
{
    private readonly Func<string, bool> _matches;
    private readonly ConcurrentDictionary<string, SocketIONamespace> _children = new(StringComparer.Ordinal);
    private readonly Lock _childrenSync = new();
    private int _capLogged;

    internal SocketIOParentNamespace(SocketIOServer server, string description, Func<string, bool> matches)
        : base(server, description, null)
    {
        _matches = matches;
    }

    internal SocketIOParentNamespace(SocketIOServer server, Regex regex)
        : this(server, "/_" + regex, regex.IsMatch)
    {
    }

    /// <summary>The child namespaces alive now.</summary>
    public IReadOnlyCollection<SocketIONamespace> Children => [.. _children.Values];

    internal bool Matches(string name) => _matches(name);

    /// <summary>
    /// The child <paramref name="name"/> for a connect attempt, created when needed; null when creating it would pass
    /// <see cref="SocketIOServerOptions.MaxChildNamespaces"/>. The caller runs <see cref="SocketIONamespace.ConnectAsync"/> on it,
    /// which releases it.
    /// </summary>
    internal SocketIONamespace? AcquireChild(string name)
    {
        lock (_childrenSync)
        {
            if (!_children.TryGetValue(name, out var child))
            {
                if (_children.Count >= Server.Options.MaxChildNamespaces)
                {
                    if (Interlocked.Exchange(ref _capLogged, 1) == 0)
                    {
                        SocketIOLog.ChildNamespaceLimitReached(Server.Logger, Name, Server.Options.MaxChildNamespaces);
                    }

                    return null;
                }

                child = Server.CreateChild(name, this);
                _children[name] = child;
            }

            child.PendingConnects++;
            return child;
        }
    }

    /// <summary>A connect attempt ended, or a socket left: removes the child when it is empty and cleanup is on.</summary>
    internal void ReleaseChild(SocketIONamespace child, bool connectEnded)
    {
        lock (_childrenSync)
        {
            if (connectEnded)
            {
                child.PendingConnects--;
            }

            if (!Server.Options.CleanupEmptyChildNamespaces || child.PendingConnects > 0 || !child.LocalSockets.IsEmpty
                || !_children.TryRemove(new KeyValuePair<string, SocketIONamespace>(child.Name, child)))
            {
                return;
            }

            Server.RemoveChild(child);
        }

        SocketIOLog.ChildNamespaceRemoved(Server.Logger, child.Name);
        _ = DisposeAdapterAsync(child);
    }

    private static async Task DisposeAdapterAsync(SocketIONamespace child)
    {
        try
        {
            await child.Adapter.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SocketIOLog.AdapterDisposeFailed(child.Server.Logger, child.Name, e);
        }
    }

    /// <summary>Sends an event to every socket of every child namespace.</summary>
    public override async ValueTask EmitAsync(string eventName, params object?[] args)
    {
        foreach (var child in _children.Values)
        {
            await child.EmitAsync(eventName, args).ConfigureAwait(false);
        }
    }
}
