using TypedSockets.Protocol.EngineIO;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client.Engine;

/// <summary>What the writer loop of an Engine.IO connection sends next.</summary>
internal enum EngineOutgoingKind : byte
{
    /// <summary>A Socket.IO packet: one message plus its binary attachments, kept adjacent.</summary>
    Packet,

    /// <summary>A control packet (pong, close, upgrade...) with optional text data.</summary>
    Control,

    /// <summary>Switch to the probed WebSocket: send <c>5</c> on it, then write everything after on it.</summary>
    UpgradeMarker,

    /// <summary>Flush what precedes, say goodbye and stop.</summary>
    CloseMarker,
}

internal readonly struct EngineOutgoing
{
    private EngineOutgoing(EngineOutgoingKind kind, EncodedPacket? packet, EnginePacketType type, ReadOnlyMemory<byte> data)
    {
        Kind = kind;
        Packet = packet;
        Type = type;
        Data = data;
    }

    public EngineOutgoingKind Kind { get; }

    public EncodedPacket? Packet { get; }

    public EnginePacketType Type { get; }

    public ReadOnlyMemory<byte> Data { get; }

    public static EngineOutgoing ForPacket(EncodedPacket packet) => new(EngineOutgoingKind.Packet, packet, EnginePacketType.Message, default);

    public static EngineOutgoing ForControl(EnginePacketType type, ReadOnlyMemory<byte> data = default) => new(EngineOutgoingKind.Control, null, type, data);

    public static EngineOutgoing UpgradeMarker { get; } = new(EngineOutgoingKind.UpgradeMarker, null, EnginePacketType.Upgrade, default);

    public static EngineOutgoing CloseMarker { get; } = new(EngineOutgoingKind.CloseMarker, null, EnginePacketType.Close, default);

    /// <summary>Bytes this item adds to a polling payload (approximate for binary: base64 grows by a third).</summary>
    public long EstimatedLength
    {
        get
        {
            if (Packet is null)
            {
                return 1 + Data.Length;
            }

            var length = 2L + (Packet.PayloadIsBinary ? Packet.Payload.Length * 4 / 3 : Packet.Payload.Length);
            foreach (var attachment in Packet.Attachments)
            {
                length += 2 + (attachment.Length * 4 / 3);
            }

            return length;
        }
    }
}
