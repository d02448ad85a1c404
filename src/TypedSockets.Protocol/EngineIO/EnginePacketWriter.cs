using System.Buffers;
using System.Buffers.Text;

namespace TypedSockets.Protocol.EngineIO;

/// <summary>
/// Writes Engine.IO v4 packets in their text form: the type digit followed by the data, or <c>b</c> + base64 for a
/// binary message (the polling form; on WebSocket a binary message is sent as its raw bytes in a binary frame).
/// </summary>
public static class EnginePacketWriter
{
    /// <summary>The separator between packets of a polling payload (ASCII record separator).</summary>
    public const byte RecordSeparator = 0x1e;

    /// <summary>The exact number of bytes <see cref="WriteText"/> writes for <paramref name="packet"/>.</summary>
    public static long GetTextLength(in EnginePacket packet)
    {
        var length = packet.Data.Length;
        return packet.IsBinary ? 1 + Base64.GetMaxEncodedToUtf8Length(checked((int)length)) : 1 + length;
    }

    /// <summary>The exact number of bytes <see cref="WritePayload"/> writes for <paramref name="packets"/>.</summary>
    public static long GetPayloadLength(ReadOnlySpan<EnginePacket> packets)
    {
        long total = packets.Length == 0 ? 0 : packets.Length - 1;
        foreach (ref readonly var packet in packets)
        {
            total += GetTextLength(packet);
        }

        return total;
    }

    /// <summary>Writes one packet in text form (a WebSocket text frame, or one element of a polling payload).</summary>
    public static void WriteText(in EnginePacket packet, IBufferWriter<byte> output)
    {
        var data = packet.Data;
        if (packet.IsBinary)
        {
            WriteByte((byte)'b', output);
            if (data.IsSingleSegment)
            {
                WriteBase64(data.FirstSpan, output);
            }
            else
            {
                WriteBase64Segmented(data, output);
            }

            return;
        }

        WriteByte((byte)('0' + (byte)packet.Type), output);
        if (data.IsSingleSegment)
        {
            WriteBytes(data.FirstSpan, output);
        }
        else
        {
            foreach (var segment in data)
            {
                WriteBytes(segment.Span, output);
            }
        }
    }

    /// <summary>Writes a polling payload: every packet in text form, joined by <see cref="RecordSeparator"/>.</summary>
    public static void WritePayload(ReadOnlySpan<EnginePacket> packets, IBufferWriter<byte> output)
    {
        for (var i = 0; i < packets.Length; i++)
        {
            if (i > 0)
            {
                WriteByte(RecordSeparator, output);
            }

            WriteText(packets[i], output);
        }
    }

    private static void WriteByte(byte value, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteBytes(ReadOnlySpan<byte> source, IBufferWriter<byte> output)
    {
        while (!source.IsEmpty)
        {
            var destination = output.GetSpan(1);
            var count = Math.Min(destination.Length, source.Length);
            source[..count].CopyTo(destination);
            output.Advance(count);
            source = source[count..];
        }
    }

    private static void WriteBase64(ReadOnlySpan<byte> source, IBufferWriter<byte> output)
    {
        while (!source.IsEmpty)
        {
            var destination = output.GetSpan(4);
            // Whole 3-byte groups while more follows, so that every chunk but the last needs no padding.
            var chunk = Math.Min(source.Length, destination.Length / 4 * 3);
            var isFinal = chunk == source.Length;
            Base64.EncodeToUtf8(source[..chunk], destination, out var consumed, out var written, isFinal);
            output.Advance(written);
            source = source[consumed..];
        }
    }

    private static void WriteBase64Segmented(in ReadOnlySequence<byte> source, IBufferWriter<byte> output)
    {
        var length = checked((int)source.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            source.CopyTo(buffer);
            WriteBase64(buffer.AsSpan(0, length), output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
