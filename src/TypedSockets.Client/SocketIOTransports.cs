namespace TypedSockets.Client;

/// <summary>The Engine.IO transports the client may use.</summary>
[Flags]
public enum SocketIOTransports
{
    /// <summary>HTTP long-polling only.</summary>
    Polling = 1,

    /// <summary>WebSocket only (no polling handshake).</summary>
    WebSocket = 2,

    /// <summary>Open with polling, then upgrade to WebSocket when the server offers it (the reference default).</summary>
    All = Polling | WebSocket,
}
