namespace TypedSockets.Server;

/// <summary>
/// Gives the user id of a connecting socket: the socket then joins the user's room (<see cref="SocketUsers.RoomOf"/>),
/// which <c>Clients.User(id)</c> targets. Called once per socket, after the namespace's middlewares and before the
/// CONNECT reply; it must not block. The default, registered by <c>AddTypedSockets</c>, reads the
/// <see cref="System.Security.Claims.ClaimTypes.NameIdentifier"/> claim of the handshake request's user; register your
/// own singleton to replace it.
/// </summary>
public interface ISocketUserIdProvider
{
    /// <summary>The user id of <paramref name="socket"/>, or null when it has none (it then joins no user room).</summary>
    string? GetUserId(SocketIOSocket socket);
}
