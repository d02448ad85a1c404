namespace TypedSockets.Server.EngineIO;

/// <summary>The transport names used in the <c>transport</c> query parameter and in <see cref="EngineConnection.Transport"/>.</summary>
public static class EngineTransportNames
{
    public const string Polling = "polling";
    public const string WebSocket = "websocket";
}
