namespace TypedSockets.Protocol.EngineIO;

/// <summary>The Engine.IO v4 packet types; the value is the digit written on the wire.</summary>
public enum EnginePacketType : byte
{
    /// <summary>Server to client, first packet of a session: the handshake JSON (sid, upgrades, pingInterval, pingTimeout, maxPayload).</summary>
    Open = 0,
    /// <summary>Either side ends the session.</summary>
    Close = 1,
    /// <summary>Heartbeat the server sends every ping interval (the client must answer with <see cref="Pong"/>); <c>2probe</c> from the client tests a new WebSocket during an upgrade.</summary>
    Ping = 2,
    /// <summary>Answer to a <see cref="Ping"/>; <c>3probe</c> answers the upgrade probe.</summary>
    Pong = 3,
    /// <summary>Application data: a Socket.IO packet or one of its binary attachments.</summary>
    Message = 4,
    /// <summary>Client to server on the new WebSocket: the upgrade from long-polling is complete.</summary>
    Upgrade = 5,
    /// <summary>Server to client: completes a pending long-polling request so that the client can finish an upgrade.</summary>
    Noop = 6,
}
