namespace TypedSockets;

/// <summary>Which sockets a typed broadcast reaches, and how. Built by <see cref="SocketTargets{TClient}"/>.</summary>
public readonly struct SocketTargetSelection
{
    public SocketTargetSelection(SocketRoomSet rooms, SocketRoomSet except, bool local, bool isVolatile, TimeSpan? timeout)
    {
        Rooms = rooms;
        Except = except;
        Local = local;
        Volatile = isVolatile;
        Timeout = timeout;
    }

    /// <summary>Members of any of these rooms; every socket of the namespace when empty.</summary>
    public SocketRoomSet Rooms { get; }

    /// <summary>Skip the members of any of these rooms.</summary>
    public SocketRoomSet Except { get; }

    /// <summary>Only sockets connected to this server.</summary>
    public bool Local { get; }

    /// <summary>Skip sockets that cannot take the packet right now.</summary>
    public bool Volatile { get; }

    /// <summary>How long acknowledged broadcasts wait for the replies.</summary>
    public TimeSpan? Timeout { get; }
}
