namespace TypedSockets.Protocol.EngineIO;

/// <summary>How packets are laid out in the input given to <see cref="EnginePacketReader"/>.</summary>
public enum EnginePacketFraming
{
    /// <summary>The whole input is one text packet (a WebSocket text frame).</summary>
    SinglePacket,

    /// <summary>An HTTP long-polling payload: packets joined by the record separator <c>\x1e</c>.</summary>
    Payload,
}
