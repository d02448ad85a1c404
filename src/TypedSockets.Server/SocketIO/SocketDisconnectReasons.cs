namespace TypedSockets.Server;

/// <summary>Why a socket disconnected, with the reference server's names.</summary>
public static class SocketDisconnectReasons
{
    /// <summary>The client left the namespace (<c>socket.disconnect()</c> on the client).</summary>
    public const string ClientNamespaceDisconnect = "client namespace disconnect";
    /// <summary>The server disconnected the socket from the namespace (<see cref="SocketIOSocket.Disconnect"/>, or a namespace-wide <c>DisconnectSocketsAsync</c>).</summary>
    public const string ServerNamespaceDisconnect = "server namespace disconnect";
    /// <summary>
    /// The authentication of the handshake request expired and the hub was mapped with
    /// <see cref="SocketHubOptions.CloseOnAuthenticationExpiration"/>: the server disconnected the socket from the namespace
    /// (the client sees <c>io server disconnect</c> and does not reconnect by itself). Not recoverable.
    /// </summary>
    public const string AuthenticationExpired = "authentication expired";
    /// <summary>The connection closed: the client closed it, or the network went away. Recoverable with connection state recovery.</summary>
    public const string TransportClose = "transport close";
    /// <summary>The connection failed (a network error, or a client too slow to take its messages). Recoverable.</summary>
    public const string TransportError = "transport error";
    /// <summary>The client did not answer a ping in time. Recoverable.</summary>
    public const string PingTimeout = "ping timeout";
    /// <summary>The client sent a packet that could not be decoded.</summary>
    public const string ParseError = "parse error";
    /// <summary>The server closed the whole connection (for example <c>Disconnect(close: true)</c>). Recoverable.</summary>
    public const string ForcedClose = "forced close";
    /// <summary>The server is stopping. Recoverable.</summary>
    public const string ServerShuttingDown = "server shutting down";
    /// <summary>The reference server's reason for a client closed because it joined no namespace in time (see <see cref="EngineIO.EngineCloseReasons.ForcedServerClose"/>). Recoverable.</summary>
    public const string ForcedServerClose = "forced server close";
    /// <summary>The server disconnected the socket from the namespace because it went over a rate limit whose action is <see cref="SocketRateLimitAction.Disconnect"/> (the client sees "io server disconnect").</summary>
    public const string RateLimited = "rate limited";
}
