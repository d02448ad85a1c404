namespace TypedSockets.Server;

/// <summary>Whose budget an event rate limit policy counts an event against.</summary>
public enum SocketRateLimitPartition
{
    /// <summary>Each socket (one client in one namespace) has its own budget; it starts full when the socket connects.</summary>
    PerSocket,

    /// <summary>
    /// Every socket of one user in one namespace shares a budget (the user id of <see cref="ISocketUserIdProvider"/>);
    /// a socket without a user id has a budget of its own. The budget outlives the user's sockets until it is full
    /// again, so reconnecting does not reset it.
    /// </summary>
    PerUser,
}
