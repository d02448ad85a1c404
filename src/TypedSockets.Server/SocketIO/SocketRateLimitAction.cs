namespace TypedSockets.Server;

/// <summary>What happens to an event over its rate limit.</summary>
public enum SocketRateLimitAction
{
    /// <summary>
    /// The event is dropped (no middleware or handler runs); an event that asked for an acknowledgement is answered with
    /// the error answer <c>[{"error":{"message":...,"code":"rate_limited"}}]</c>. The socket stays connected.
    /// </summary>
    Drop,

    /// <summary>
    /// The event is dropped (and answered as with <see cref="Drop"/>), then the socket is disconnected from the
    /// namespace: the client receives DISCONNECT ("io server disconnect": it does not reconnect by itself) and the
    /// server's disconnect handlers see <see cref="SocketDisconnectReasons.RateLimited"/>.
    /// </summary>
    Disconnect,
}
