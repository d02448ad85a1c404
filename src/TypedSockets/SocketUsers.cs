namespace TypedSockets;

/// <summary>
/// The rooms that stand for users: the server makes each socket whose connection has a user id (its
/// <c>ISocketUserIdProvider</c>) join <see cref="RoomOf"/> that id, so an event to that room reaches every connection of
/// the user, on every server of a cluster (rooms are cluster wide). <see cref="SocketTargets{TClient}.User"/> targets it.
/// </summary>
public static class SocketUsers
{
    /// <summary>
    /// The prefix of user rooms, reserved: the server refuses to let a socket join a room that starts with it, so a
    /// user room is never one the application made. Other Socket.IO nodes of a cluster can target a user with
    /// <c>io.to("typedsockets:user:" + id)</c>.
    /// </summary>
    public const string RoomPrefix = "typedsockets:user:";

    /// <summary>The room of user <paramref name="userId"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    public static string RoomOf(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return RoomPrefix + userId;
    }

    /// <summary>True when <paramref name="room"/> is a user room (it starts with <see cref="RoomPrefix"/>).</summary>
    public static bool IsUserRoom(string room) => room is not null && room.StartsWith(RoomPrefix, StringComparison.Ordinal);
}
