namespace TypedSockets.Server.EngineIO;

/// <summary>The transport names used in the <c>transport</c> query parameter and in <see cref="EngineConnection.Transport"/>.</summary>
public static class EngineTransportNames
{
    /// <summary>HTTP long-polling.</summary>
    public const string Polling = "polling";
    /// <summary>WebSocket.</summary>
    public const string WebSocket = "websocket";
}
