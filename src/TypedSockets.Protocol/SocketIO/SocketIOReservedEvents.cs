namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// The event names Socket.IO reserves for its own use (socket.io's <c>RESERVED_EVENTS</c>): a peer may not send them as
/// events, and emitting one is refused. The one list the parsers, the server, the client, the Redis emitter and the
/// source generator (which compiles this file too) check.
/// </summary>
#if TYPEDSOCKETS_GENERATOR
internal
#else
public
#endif
static class SocketIOReservedEvents
{
    /// <summary>The reserved names: connect, connect_error, disconnect, disconnecting, newListener, removeListener.</summary>
    public static System.Collections.Generic.IReadOnlyList<string> Names { get; } = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    /// <summary>True when <paramref name="eventName"/> is one of <see cref="Names"/> (ordinal, case-sensitive).</summary>
    public static bool IsReserved(string? eventName) =>
        eventName is "connect" or "connect_error" or "disconnect" or "disconnecting" or "newListener" or "removeListener";
}
