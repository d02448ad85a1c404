using System.Collections.Concurrent;

namespace TypedSockets.Server;

/// <summary>The Socket.IO servers mapped in this application, by path. Registered by <c>AddTypedSockets</c>.</summary>
public sealed class SocketIOServerRegistry
{
    private readonly ConcurrentDictionary<string, SocketIOServer> _servers = new(StringComparer.OrdinalIgnoreCase);
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

    internal static string Normalize(string path) => "/" + path.Trim('/');
}
