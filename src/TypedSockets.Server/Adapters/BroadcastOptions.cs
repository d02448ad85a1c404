namespace TypedSockets.Server.Adapters;

/// <summary>Which sockets a cross-socket operation targets. Immutable and serializable (cluster adapters send it).</summary>
public sealed record BroadcastOptions
{
    /// <summary>Every socket of the namespace, across the cluster: no rooms, no exceptions, no flags.</summary>
    public static BroadcastOptions All { get; } = new();

    /// <summary>Target the members of any of these rooms; empty targets every socket of the namespace.</summary>
    public IReadOnlyCollection<string> Rooms { get; init; } = [];

    /// <summary>Skip the members of any of these rooms (a socket id is a room of its own).</summary>
    public IReadOnlyCollection<string> Except { get; init; } = [];

    /// <summary>Only sockets on this server (cluster adapters do not forward).</summary>
    public bool Local { get; init; }

    /// <summary>Dropped for sockets whose transport cannot take it right now.</summary>
    public bool Volatile { get; init; }

    /// <summary>For acknowledged broadcasts: how long to wait for the replies.</summary>
    public TimeSpan? Timeout { get; init; }
}
