using System.Collections.Concurrent;

namespace TypedSockets.Server;

/// <summary>The Socket.IO servers mapped in this application, by path. Registered by <c>AddTypedSockets</c>.</summary>
public sealed class SocketIOServerRegistry
{
    private readonly ConcurrentDictionary<string, SocketIOServer> _servers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _hubsSync = new();
    private readonly Dictionary<Type, List<SocketIONamespace>> _hubs = [];
    private SocketIOServer? _first;

    /// <summary>The server mapped first (the one injected as <see cref="SocketIOServer"/>).</summary>
    public SocketIOServer Default => _first ?? throw new InvalidOperationException("No Socket.IO server is mapped yet: call app.MapSocketIO(...) first.");

    /// <summary>A snapshot of every mapped server.</summary>
    public IReadOnlyCollection<SocketIOServer> Servers => [.. _servers.Values];

    /// <summary>The server mapped at <paramref name="path"/>.</summary>
    public SocketIOServer Get(string path) =>
        _servers.TryGetValue(Normalize(path), out var server) ? server : throw new KeyNotFoundException($"No Socket.IO server is mapped at '{path}'.");

    internal void Add(SocketIOServer server)
    {
        if (!_servers.TryAdd(Normalize(server.Path), server))
        {
            throw new InvalidOperationException($"A Socket.IO server is already mapped at '{server.Path}'.");
        }

        Interlocked.CompareExchange(ref _first, server, null);
    }

    /// <summary>Records that <paramref name="hub"/> serves <paramref name="nsp"/> (for <see cref="ISocketHubContext{THub, TClient}"/>).</summary>
    internal void AddHub(Type hub, SocketIONamespace nsp)
    {
        lock (_hubsSync)
        {
            if (!_hubs.TryGetValue(hub, out var namespaces))
            {
                _hubs[hub] = namespaces = [];
            }

            if (!namespaces.Contains(nsp))
            {
                namespaces.Add(nsp);
            }
        }
    }

    /// <summary>The one namespace <paramref name="hub"/> is mapped on.</summary>
    /// <exception cref="InvalidOperationException">It is mapped on none, or on several.</exception>
    internal SocketIONamespace GetHubNamespace(Type hub)
    {
        lock (_hubsSync)
        {
            if (!_hubs.TryGetValue(hub, out var namespaces) || namespaces.Count == 0)
            {
                throw new InvalidOperationException(
                    $"Hub {hub} is not mapped: call io.MapNamespace<{hub.Name}>(...) in app.MapSocketIO(...) before using its ISocketHubContext (a hosted service may use it once the app has started).");
            }

            if (namespaces.Count > 1)
            {
                var where = string.Join(", ", namespaces.Select(static n => $"'{n.Name}' at '{n.Server.Path}'"));
                throw new InvalidOperationException(
                    $"Hub {hub} is mapped on {namespaces.Count} namespaces ({where}), so its ISocketHubContext cannot tell which one to use: map it once, or use SocketIOServerRegistry.Get(path).Of(name).Clients<TClient>().");
            }

            return namespaces[0];
        }
    }

    internal static string Normalize(string path) => "/" + path.Trim('/');
}
