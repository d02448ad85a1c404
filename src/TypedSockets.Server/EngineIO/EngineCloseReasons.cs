namespace TypedSockets.Server.EngineIO;

/// <summary>The close reasons the reference engine.io server reports.</summary>
public static class EngineCloseReasons
{
    /// <summary>The transport failed: a network error, an overlapping or malformed polling request, or a client too slow for <see cref="EngineIOOptions.MaxBufferedMessages"/> or <see cref="EngineIOOptions.MaxBufferedBytes"/>.</summary>
    public const string TransportError = "transport error";
    /// <summary>The client closed its transport (a closed WebSocket or tab, a close packet).</summary>
    public const string TransportClose = "transport close";
    /// <summary>The server closed the connection (for example <c>Disconnect(close: true)</c>, a duplicate CONNECT, or no namespace joined within <see cref="SocketIOServerOptions.ConnectTimeout"/>).</summary>
    public const string ForcedClose = "forced close";
    /// <summary>The client did not answer a ping within <see cref="EngineIOOptions.PingTimeout"/>.</summary>
    public const string PingTimeout = "ping timeout";
    /// <summary>The client sent a packet that could not be decoded.</summary>
    public const string ParseError = "parse error";
    /// <summary>The server is stopping (<see cref="EngineIOServer.CloseAll"/>).</summary>
    public const string ServerShuttingDown = "server shutting down";
    /// <summary>The reference server's reason for a client that joined no namespace in time; this server reports <see cref="ForcedClose"/> for that and never uses this one itself.</summary>
    public const string ForcedServerClose = "forced server close";
}
