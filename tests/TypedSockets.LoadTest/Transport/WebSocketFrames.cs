using System.Buffers.Binary;
using System.Text;

namespace TypedSockets.LoadTest.Transport;

/// <summary>
/// Client-side WebSocket framing (RFC 6455). Client frames must be masked; the tool uses the all-zero mask key,
/// which is valid and leaves the payload unchanged, so a frame is encoded once and sent as the same bytes forever.
/// </summary>
public static class WebSocketFrames
{
    public const byte OpText = 0x1;
    public const byte OpBinary = 0x2;
    public const byte OpClose = 0x8;
    public const byte OpPing = 0x9;
    public const byte OpPong = 0xA;

    public static byte[] Text(string payload) => Encode(OpText, Encoding.UTF8.GetBytes(payload));

    public static byte[] Encode(byte opcode, ReadOnlySpan<byte> payload)
    {
        var lengthBytes = payload.Length < 126 ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8;
        var frame = new byte[2 + lengthBytes + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        switch (lengthBytes)
        {
            case 0:
                frame[1] = (byte)(0x80 | payload.Length);
                break;
            case 2:
                frame[1] = 0x80 | 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
                break;
            default:
                frame[1] = 0x80 | 127;
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
                break;
        }

        // Mask key 00 00 00 00: payload XOR 0 is the payload.
        payload.CopyTo(frame.AsSpan(2 + lengthBytes + 4));
        return frame;
    }

    /// <summary>Reads one server frame header (unmasked). False when more bytes are needed.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> buffer, out bool fin, out byte opcode, out int headerLength, out long payloadLength)
    {
        fin = false;
        opcode = 0;
        headerLength = 0;
        payloadLength = 0;
        if (buffer.Length < 2)
        {
            return false;
        }

        fin = (buffer[0] & 0x80) != 0;
        opcode = (byte)(buffer[0] & 0x0F);
        var masked = (buffer[1] & 0x80) != 0;
        var length = buffer[1] & 0x7F;
        headerLength = 2 + (masked ? 4 : 0);
        if (length == 126)
        {
            headerLength += 2;
            if (buffer.Length < 4)
            {
                return false;
            }

            payloadLength = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        }
        else if (length == 127)
        {
            headerLength += 8;
            if (buffer.Length < 10)
            {
                return false;
            }

            payloadLength = (long)BinaryPrimitives.ReadUInt64BigEndian(buffer[2..]);
        }
        else
        {
            payloadLength = length;
        }

        if (masked)
        {
            throw new InvalidDataException("The server sent a masked frame.");
        }

        return buffer.Length >= headerLength;
    }
}
