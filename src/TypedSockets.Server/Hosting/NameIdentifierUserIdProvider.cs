using System.Security.Claims;

namespace TypedSockets.Server.Hosting;

/// <summary>The default <see cref="ISocketUserIdProvider"/>: the NameIdentifier claim of the handshake's user, as SignalR's.</summary>
internal sealed class NameIdentifierUserIdProvider : ISocketUserIdProvider
{
    public string? GetUserId(SocketIOSocket socket) =>
        socket.Handshake.UserIfSet?.FindFirst(ClaimTypes.NameIdentifier)?.Value;
}
