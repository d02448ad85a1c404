namespace TypedSockets.Client;

/// <summary>Why a client socket disconnected; the strings are socket.io-client's.</summary>
public static class SocketIOClientDisconnectReasons
{
    /// <summary>The server disconnected the socket (no reconnection follows).</summary>
    public const string ServerDisconnect = "io server disconnect";

    /// <summary>The application disconnected the socket (no reconnection follows).</summary>
    public const string ClientDisconnect = "io client disconnect";

    /// <summary>No ping within pingInterval + pingTimeout.</summary>
    public const string PingTimeout = "ping timeout";

    /// <summary>The transport was closed (the server closed the connection, or it was lost cleanly).</summary>
    public const string TransportClose = "transport close";

    /// <summary>The transport failed (network error, HTTP error).</summary>
    public const string TransportError = "transport error";

    /// <summary>The manager was closed by the application.</summary>
    public const string ForcedClose = "forced close";

    /// <summary>The server sent a packet the parser rejected.</summary>
    public const string ParseError = "parse error";
}
