namespace TypedSockets.Server;

/// <summary>Why a socket disconnected, with the reference server's names.</summary>
public static class SocketDisconnectReasons
{
    public const string ClientNamespaceDisconnect = "client namespace disconnect";
    public const string ServerNamespaceDisconnect = "server namespace disconnect";
    public const string TransportClose = "transport close";
    public const string TransportError = "transport error";
    public const string PingTimeout = "ping timeout";
    public const string ParseError = "parse error";
    public const string ForcedClose = "forced close";
    public const string ServerShuttingDown = "server shutting down";
    public const string ForcedServerClose = "forced server close";
}
