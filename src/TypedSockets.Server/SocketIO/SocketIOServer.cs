using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Server.Adapters;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server;

/// <summary>
/// A Socket.IO server mapped at one path (the reference's <c>io</c>): its namespaces, and shortcuts to the main
/// namespace "/". Obtain it in <c>MapSocketIO</c>'s callback, or from DI (<see cref="SocketIOServerRegistry"/>).
/// </summary>
public sealed partial class SocketIOServer : IEngineConnectionHandler
{
    private readonly ConcurrentDictionary<string, SocketIONamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly Lock _parentsSync = new();
    private SocketIOParentNamespace[] _parents = [];
    private JsonSocketIOParser? _jsonParser;

    internal SocketIOServer(string path, SocketIOServerOptions options, IServiceProvider services)
    {
        Path = path;
        Options = options;
        Services = services;
        Parser = options.Parser ?? (options.JsonSerializerOptions is null ? JsonSocketIOParser.Default : new JsonSocketIOParser(options.JsonSerializerOptions));
        Logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("TypedSockets.Server.SocketIO");
        ScopeFactory = services.GetRequiredService<IServiceScopeFactory>();
        AdapterFactory = services.GetService<ISocketIOAdapterFactory>() ?? new InMemoryAdapterFactory();
        UserIdProvider = services.GetService<ISocketUserIdProvider>();
        Metrics = SocketIOMetrics.For(services.GetService<IMeterFactory>());
        if (options.MaxPendingHandlersPerConnection <= 0 || options.MaxConcurrentHandlers <= 0 || options.MaxChildNamespaces < 0)
        {
            throw new ArgumentException("MaxPendingHandlersPerConnection and MaxConcurrentHandlers must be positive, MaxChildNamespaces not negative.", nameof(options));
        }

        HandlerSlots = new SemaphoreSlim(options.MaxConcurrentHandlers, options.MaxConcurrentHandlers);
        ArgumentNullException.ThrowIfNull(options.RateLimiting, nameof(options.RateLimiting));
        if (options.RateLimiting.Policies.Count > 0)
        {
            RateLimiters = new SocketRateLimiters(options.RateLimiting, options.TimeProvider);
            services.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(static state => ((SocketRateLimiters)state!).Dispose(), RateLimiters);
        }
        else if (options.RateLimiting.DefaultPolicy is { } missing)
        {
            throw new InvalidOperationException($"RateLimiting.DefaultPolicy names '{missing}' but no policy is added.");
        }

        Of("/");
    }

    /// <summary>The Engine.IO server carrying this server's connections (set when mapped).</summary>
    public EngineIOServer? Engine { get; internal set; }

    /// <summary>The path the server is mapped at, e.g. "/socket.io".</summary>
    public string Path { get; }

    /// <summary>The settings of this endpoint: the DI options (bound from the <c>TypedSockets</c> configuration section) with <c>MapSocketIO</c>'s <c>configureOptions</c> applied. Do not change them once the server runs.</summary>
    public SocketIOServerOptions Options { get; }

    /// <summary>The packet format of this endpoint.</summary>
    public SocketIOParser Parser { get; }

    /// <summary>The application's root service provider.</summary>
    public IServiceProvider Services { get; }

    internal ILogger Logger { get; }

    internal IServiceScopeFactory ScopeFactory { get; }

    internal ISocketIOAdapterFactory AdapterFactory { get; }

    internal ISocketUserIdProvider? UserIdProvider { get; }

    /// <summary>Instrumentation hooks (the Admin UI); null when off.</summary>
    internal ISocketIOServerObserver? Observer { get; set; }

    internal SocketIOMetrics Metrics { get; }

    /// <summary>One slot per event handler running its synchronous part (<see cref="SocketIOServerOptions.MaxConcurrentHandlers"/>).</summary>
    internal SemaphoreSlim HandlerSlots { get; }

    /// <summary>The event rate limiters; null when no policy is configured (events then take no rate limit path at all).</summary>
    internal SocketRateLimiters? RateLimiters { get; }

    /// <summary>The JSON parser whose metadata converts socket data for other servers: <see cref="Parser"/> when it is JSON.</summary>
    internal JsonSocketIOParser JsonParser => Parser as JsonSocketIOParser ?? (_jsonParser ??= Options.JsonSerializerOptions is null ? JsonSocketIOParser.Default : new JsonSocketIOParser(Options.JsonSerializerOptions));

    /// <summary>The main namespace "/".</summary>
    public SocketIONamespace Sockets => _namespaces["/"];

    /// <summary>Every static namespace and every child created by a dynamic one.</summary>
    public IReadOnlyCollection<SocketIONamespace> Namespaces => [.. _namespaces.Values];

    /// <summary>The namespace <paramref name="name"/>, created when it does not exist yet.</summary>
    public SocketIONamespace Of(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name[0] != '/')
        {
            name = "/" + name;
        }

        return _namespaces.GetOrAdd(name, static (n, server) => server.Init(new SocketIONamespace(server, n, null)), this);
    }

    /// <summary>A dynamic namespace: every name matching <paramref name="pattern"/> is accepted and shares its handlers.</summary>
    public SocketIOParentNamespace Of(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return AddParent(new SocketIOParentNamespace(this, pattern));
    }

    /// <summary>A dynamic namespace: every name <paramref name="predicate"/> accepts is created on demand.</summary>
    public SocketIOParentNamespace Of(Func<string, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return AddParent(new SocketIOParentNamespace(this, "/_predicate" + _parents.Length, predicate));
    }

    private SocketIOParentNamespace AddParent(SocketIOParentNamespace parent)
    {
        Init(parent);
        lock (_parentsSync)
        {
            _parents = [.. _parents, parent];
        }

        return parent;
    }

    internal SocketIONamespace CreateChild(string name, SocketIOParentNamespace parent)
    {
        var child = _namespaces.GetOrAdd(name, static (n, state) => state.server.Init(new SocketIONamespace(state.server, n, state.parent)), (server: this, parent));
        return child;
    }

    /// <summary>Forgets a child namespace its parent removed (the last socket left).</summary>
    internal void RemoveChild(SocketIONamespace child) =>
        _namespaces.TryRemove(new KeyValuePair<string, SocketIONamespace>(child.Name, child));

    private T Init<T>(T nsp)
        where T : SocketIONamespace
    {
        Observer?.NamespaceCreated(nsp);
        var init = nsp.Adapter.InitAsync();
        if (!init.IsCompletedSuccessfully)
        {
            ObserveInit(init, nsp.Name);
        }

        return nsp;
    }

    private async void ObserveInit(ValueTask init, string name)
    {
        try
        {
            await init.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SocketIOLog.AdapterInitFailed(Logger, name, e);
        }
    }

    /// <summary>The namespace a client asks for: a static one, or a child of the first dynamic parent that accepts it.</summary>
    internal SocketIONamespace? ResolveNamespace(string name)
    {
        if (_namespaces.TryGetValue(name, out var nsp) && nsp.Parent is not SocketIOParentNamespace)
        {
            return nsp;
        }

        // A child is counted by its parent for the connect attempt, so that it is not removed while the socket joins.
        if (nsp?.Parent is SocketIOParentNamespace owner)
        {
            return owner.AcquireChild(name);
        }

        foreach (var parent in _parents)
        {
            if (parent.Matches(name))
            {
                return parent.AcquireChild(name);
            }
        }

        return null;
    }

    // ---- Shortcuts to the main namespace -------------------------------------------------------------------------------

    /// <inheritdoc cref="SocketIONamespace.Use"/>
    public SocketIOServer Use(Func<SocketIOSocket, ValueTask> middleware)
    {
        Sockets.Use(middleware);
        return this;
    }

    /// <inheritdoc cref="SocketIONamespace.OnConnection(Func{SocketIOSocket, ValueTask})"/>
    public SocketIOServer OnConnection(Func<SocketIOSocket, ValueTask> handler)
    {
        Sockets.OnConnection(handler);
        return this;
    }

    /// <inheritdoc cref="SocketIONamespace.OnConnection(Action{SocketIOSocket})"/>
    public SocketIOServer OnConnection(Action<SocketIOSocket> handler)
    {
        Sockets.OnConnection(handler);
        return this;
    }

    /// <inheritdoc cref="BroadcastOperator.To(string[])"/>
    public BroadcastOperator To(params string[] rooms) => Sockets.To(rooms);

    /// <inheritdoc cref="BroadcastOperator.To(string[])"/>
    public BroadcastOperator In(params string[] rooms) => Sockets.To(rooms);

    /// <inheritdoc cref="BroadcastOperator.Except(string[])"/>
    public BroadcastOperator Except(params string[] rooms) => Sockets.Except(rooms);

    /// <inheritdoc cref="BroadcastOperator.Local"/>
    public BroadcastOperator Local => Sockets.Local;

    /// <inheritdoc cref="BroadcastOperator.Volatile"/>
    public BroadcastOperator Volatile => Sockets.Volatile;

    /// <inheritdoc cref="BroadcastOperator.Timeout(TimeSpan)"/>
    public BroadcastOperator Timeout(TimeSpan timeout) => Sockets.Timeout(timeout);

    /// <inheritdoc cref="SocketIONamespace.EmitAsync(string, object?[])"/>
    public ValueTask EmitAsync(string eventName, params object?[] args) => Sockets.EmitAsync(eventName, args);

    /// <inheritdoc cref="BroadcastOperator.FetchSocketsAsync"/>
    public ValueTask<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => Sockets.FetchSocketsAsync();

    /// <inheritdoc cref="BroadcastOperator.SocketsJoinAsync(string[])"/>
    public ValueTask SocketsJoinAsync(params string[] rooms) => Sockets.SocketsJoinAsync(rooms);

    /// <inheritdoc cref="BroadcastOperator.SocketsLeaveAsync(string[])"/>
    public ValueTask SocketsLeaveAsync(params string[] rooms) => Sockets.SocketsLeaveAsync(rooms);

    /// <inheritdoc cref="BroadcastOperator.DisconnectSocketsAsync(bool)"/>
    public ValueTask DisconnectSocketsAsync(bool close = false) => Sockets.DisconnectSocketsAsync(close);

    // ---- Engine.IO events ------------------------------------------------------------------------------------------

    void IEngineConnectionHandler.OnOpen(EngineConnection connection)
    {
        connection.State = new SocketIOConnection(this, connection);
        Observer?.ConnectionOpened(connection);
    }

    void IEngineConnectionHandler.OnMessage(EngineConnection connection, in ReadOnlySequence<byte> data, bool isBinary) =>
        ((SocketIOConnection)connection.State!).OnMessage(data, isBinary);

    void IEngineConnectionHandler.OnClose(EngineConnection connection, string reason, Exception? error)
    {
        if (connection.State is SocketIOConnection client)
        {
            client.OnClose(reason);
        }

        Observer?.ConnectionClosed(connection, reason);
    }
}
