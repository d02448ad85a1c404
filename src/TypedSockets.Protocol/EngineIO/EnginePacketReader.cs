using System.Buffers;
using System.Buffers.Text;

namespace TypedSockets.Protocol.EngineIO;

/// <summary>
/// Reads the Engine.IO v4 packets of one complete input: a WebSocket text frame or an HTTP long-polling payload.
/// Malformed input throws <see cref="InvalidDataException"/>. The data of a packet decoded from base64 lives in a
/// pooled buffer owned by the reader: it is valid until the next <see cref="TryRead"/> or <see cref="Dispose"/>;
/// other packets slice the input. Dispose the reader to return that buffer.
/// </summary>
public ref struct EnginePacketReader
{
    private ReadOnlySequence<byte> _remaining;
    private readonly bool _isPayload;
    private bool _done;
    private byte[]? _scratch;

    /// <summary>A reader over <paramref name="input"/>, which must stay unchanged while the reader and the packets it returns are in use.</summary>
    /// <param name="input">One complete WebSocket text frame or HTTP long-polling payload.</param>
    /// <param name="framing">Whether <paramref name="input"/> is one packet or a payload of packets joined by <c>\x1e</c>.</param>
    public EnginePacketReader(ReadOnlySequence<byte> input, EnginePacketFraming framing)
    {
        _remaining = input;
        _isPayload = framing == EnginePacketFraming.Payload;
        _done = false;
        _scratch = null;
    }

    /// <summary>Reads the next packet; false once the input is exhausted. An empty input or element is malformed.</summary>
    public bool TryRead(out EnginePacket packet)
    {
        if (_done)
        {
            packet = default;
            return false;
        }

        ReadOnlySequence<byte> encoded;
        if (_isPayload && _remaining.PositionOf(EnginePacketWriter.RecordSeparator) is SequencePosition separator)
        {
            encoded = _remaining.Slice(0, separator);
            _remaining = _remaining.Slice(_remaining.GetPosition(1, separator));
        }
        else
        {
            encoded = _remaining;
            _remaining = default;
            _done = true;
        }

        packet = ParsePacket(encoded);
        return true;
    }

    /// <summary>Returns the pooled buffer base64 data was decoded into; packets read from it are invalid afterwards.</summary>
    public void Dispose()
    {
        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }
    }

    private EnginePacket ParsePacket(in ReadOnlySequence<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            EngineIOThrowHelper.ThrowEmptyPacket();
        }

        var first = FirstByte(encoded);
        if (first == (byte)'b')
        {
            return EnginePacket.BinaryMessage(DecodeBase64(encoded.Slice(1)));
        }

        var type = (uint)(first - (byte)'0');
        if (type > (uint)EnginePacketType.Noop)
        {
            EngineIOThrowHelper.ThrowInvalidPacketType(first);
        }

        var data = encoded.Slice(1);
        if (_isPayload && type == (uint)EnginePacketType.Message && !IsValidUtf8(data))
        {
            // A WebSocket text frame is validated by the WebSocket layer; a polling payload is only bytes until here.
            EngineIOThrowHelper.ThrowInvalidUtf8();
        }

        return new EnginePacket((EnginePacketType)type, data);
    }

    private static bool IsValidUtf8(in ReadOnlySequence<byte> text)
    {
        if (text.IsSingleSegment)
        {
            return IsValidUtf8(text.FirstSpan);
        }

        var length = checked((int)text.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            text.CopyTo(rented);
            return IsValidUtf8(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool IsValidUtf8(ReadOnlySpan<byte> text)
    {
#if NET
        return System.Text.Unicode.Utf8.IsValid(text);
#else
        try
        {
            _ = s_strictUtf8.GetCharCount(text);
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
#endif
    }

#if !NET
    private static readonly System.Text.UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
#endif

    private ReadOnlyMemory<byte> DecodeBase64(in ReadOnlySequence<byte> base64)
    {
        var length = checked((int)base64.Length);
        if (length == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (_scratch is null || _scratch.Length < length)
        {
            if (_scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
            }

            _scratch = ArrayPool<byte>.Shared.Rent(length);
        }

        base64.CopyTo(_scratch);
        var status = Base64.DecodeFromUtf8InPlace(_scratch.AsSpan(0, length), out var written);
        if (status != OperationStatus.Done)
        {
            EngineIOThrowHelper.ThrowInvalidBase64();
        }

        return new ReadOnlyMemory<byte>(_scratch, 0, written);
    }

    private static byte FirstByte(in ReadOnlySequence<byte> sequence)
    {
        var span = sequence.FirstSpan;
        if (!span.IsEmpty)
        {
            return span[0];
        }

        foreach (var segment in sequence)
        {
            if (!segment.IsEmpty)
            {
                return segment.Span[0];
            }
        }

        EngineIOThrowHelper.ThrowEmptyPacket();
        return 0;
    }
}
