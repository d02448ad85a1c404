using System.Buffers;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server;

/// <summary>Bridges from the typed path to the object-based one, for the cases that need arguments as objects.</summary>
internal static class TypedPackets
{
    /// <summary>
    /// The arguments of an encoded packet in their re-emittable raw form (decoded with the same parser), for paths that
    /// keep or forward packets as objects: connection state recovery, outgoing listeners and cluster adapters.
    /// </summary>
    public static object?[] ToRawArguments(SocketIOParser parser, in OutgoingPacket packet)
    {
        var decoder = parser.CreateDecoder(packet.Attachments.Length);
        SocketIOPacket? decoded;
        var done = decoder.TryDecode(new ReadOnlySequence<byte>(packet.Payload), packet.PayloadIsBinary, out decoded);
        foreach (var attachment in packet.Attachments)
        {
            done = decoder.TryDecode(new ReadOnlySequence<byte>(attachment), isBinary: true, out decoded);
        }

        if (!done || decoded?.Data is null)
        {
            throw new InvalidOperationException("The typed writer produced a packet its parser cannot read back.");
        }

        return decoded.Data.ToRawArray();
    }

    /// <summary>Completes <paramref name="writer"/> and gives it back; the caller owns the returned packet's reference.</summary>
    public static OutgoingPacket Finish(SocketEventWriter writer, long ackId = -1)
    {
        var packetWriter = AsPacketWriter(writer);
        try
        {
            return packetWriter.Complete(ackId);
        }
        finally
        {
            packetWriter.Return();
        }
    }

    public static SocketIOPacketWriter AsPacketWriter(SocketEventWriter writer) =>
        writer as SocketIOPacketWriter ?? throw new ArgumentException("The writer was not rented from this server.", nameof(writer));
}
