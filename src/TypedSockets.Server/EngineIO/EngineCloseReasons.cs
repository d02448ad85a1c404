namespace TypedSockets.Server.EngineIO;

/// <summary>The close reasons the reference engine.io server reports.</summary>
public static class EngineCloseReasons
{
    public const string TransportError = "transport error";
    public const string TransportClose = "transport close";
    public const string ForcedClose = "forced close";
    public const string PingTimeout = "ping timeout";
    public const string ParseError = "parse error";
    public const string ServerShuttingDown = "server shutting down";
    public const string ForcedServerClose = "forced server close";
}
