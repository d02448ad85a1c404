namespace TypedSockets;

/// <summary>Which sockets a typed broadcast reaches, and how. Built by <see cref="SocketTargets{TClient}"/>.</summary>
public readonly struct SocketTargetSelection
{
    /// <summary>A selection; generated code and <see cref="SocketTargets{TClient}"/> build it, applications rarely need to.</summary>
    /// <param name="rooms">See <see cref="Rooms"/>.</param>
    /// <param name="except">See <see cref="Except"/>.</param>
    /// <param name="local">See <see cref="Local"/>.</param>
    /// <param name="isVolatile">See <see cref="Volatile"/>.</param>
    /// <param name="timeout">See <see cref="Timeout"/>.</param>
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
