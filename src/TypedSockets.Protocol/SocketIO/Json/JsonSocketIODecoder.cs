using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// Decodes the default Socket.IO text format (socket.io-parser):
/// <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;nsp&gt;,][&lt;ack id&gt;][&lt;json&gt;]</c>, then binary attachments as separate messages.
/// Validation follows the reference decoder exactly.
/// </summary>
internal sealed class JsonSocketIODecoder : SocketIODecoder
{

    // Largest ack id that survives a JS Number exactly.
    private const long MaxSafeInteger = 9007199254740991;

    /// <summary>The nesting limit when the serializer options set none (System.Text.Json's default).</summary>
    internal const int DefaultMaxDepth = 64;

    /// <summary>Nesting limit of a packet's JSON: the serializer options' <see cref="JsonSerializerOptions.MaxDepth"/>, so what decodes also binds.</summary>
    internal static int MaxDepthOf(JsonSerializerOptions options) => options.MaxDepth > 0 ? options.MaxDepth : DefaultMaxDepth;

    private readonly JsonSerializerOptions _options;
    private readonly int _maxAttachments;
    private readonly int _maxDepth;

    // A binary packet being reassembled.
    private PendingBinary? _pending;

    // The last event name and namespace read: a client usually repeats them, and a match costs no new string.
    private string? _lastEventName;
    private string? _lastNamespace;

    public JsonSocketIODecoder(JsonSerializerOptions options, int maxAttachments)
    {
        _options = options;
        _maxAttachments = maxAttachments;
        _maxDepth = MaxDepthOf(options);
    }

    public override void Reset() => _pending = null;

    public override bool TryDecode(in ReadOnlySequence<byte> message, bool isBinary, out SocketIOPacket? packet)
    {
        if (isBinary)
        {
            if (_pending is null)
            {
                throw new InvalidDataException("got binary data when not reconstructing a packet");
            }

            var pending = _pending;
            pending.Attachments[pending.Received++] = message.ToArray();
            if (pending.Received < pending.Attachments.Length)
            {
                packet = null;
                return false;
            }

            _pending = null;
            packet = pending.Complete(_options);
            return true;
        }

        if (_pending is not null)
        {
            throw new InvalidDataException("got plaintext data when reconstructing a packet");
        }

        if (message.IsSingleSegment)
        {
            return DecodeText(message.FirstSpan, out packet);
        }

        var length = checked((int)message.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            message.CopyTo(rented);
            return DecodeText(rented.AsSpan(0, length), out packet);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private bool DecodeText(ReadOnlySpan<byte> text, out SocketIOPacket? packet)
    {
        if (text.IsEmpty)
        {
            throw new InvalidDataException("unknown packet type");
        }

        var typeDigit = text[0] - (byte)'0';
        if ((uint)typeDigit > 6)
        {
            throw new InvalidDataException("unknown packet type");
        }

        var type = (SocketIOPacketType)typeDigit;
        var i = 1;
        var attachments = 0;
        if (type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck)
        {
            var dash = text[i..].IndexOf((byte)'-');
            if (dash < 0)
            {
                throw new InvalidDataException("Illegal attachments");
            }

            var digits = text.Slice(i, dash);
            long n = 0;
            foreach (var c in digits)
            {
                if (c is < (byte)'0' or > (byte)'9')
                {
                    throw new InvalidDataException("Illegal attachments");
                }

                n = (n * 10) + (c - '0');
                if (n > int.MaxValue)
                {
                    throw new InvalidDataException("too many attachments");
                }
            }

            if (n > _maxAttachments)
            {
                throw new InvalidDataException("too many attachments");
            }

            attachments = (int)n;
            i += dash + 1;
        }

        var nsp = "/";
        if (i < text.Length && text[i] == (byte)'/')
        {
            var comma = text[i..].IndexOf((byte)',');
            var end = comma < 0 ? text.Length : i + comma;
            nsp = ReadNamespace(text[i..end]);
            i = comma < 0 ? end : end + 1;
        }

        long ackId = -1;
        if (i < text.Length && IsDigit(text[i]))
        {
            ackId = 0;
            while (i < text.Length && IsDigit(text[i]))
            {
                ackId = (ackId * 10) + (text[i] - '0');
                if (ackId > MaxSafeInteger)
                {
                    throw new InvalidDataException("invalid ack id");
                }

                i++;
            }
        }

        if (type is SocketIOPacketType.Event or SocketIOPacketType.Ack && i < text.Length &&
            TryDecodeArray(type, nsp, ackId, text[i..], out packet))
        {
            return true;
        }

        JsonElement? payload = null;
        if (i < text.Length)
        {
            payload = ParsePayload(text[i..], _maxDepth);
        }

        if (!IsPayloadValid(type, payload))
        {
            throw new InvalidDataException("invalid payload");
        }

        if (type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck)
        {
            var pending = new PendingBinary(type == SocketIOPacketType.BinaryEvent ? SocketIOPacketType.Event : SocketIOPacketType.Ack, nsp, ackId, payload!.Value, attachments);
            if (attachments == 0)
            {
                packet = pending.Complete(_options);
                return true;
            }

            _pending = pending;
            packet = null;
            return false;
        }

        packet = Build(type, nsp, ackId, payload, [], _options);
        return true;
    }

    private string ReadNamespace(ReadOnlySpan<byte> utf8)
    {
        var last = _lastNamespace;
        if (last is not null && last.Length == utf8.Length && Ascii.Equals(utf8, last))
        {
            return last;
        }

        return _lastNamespace = Encoding.UTF8.GetString(utf8);
    }

    /// <summary>
    /// The common case without a JsonElement tree: a text EVENT or ACK whose payload is one valid JSON array. Its text is
    /// copied once and the bounds of every argument kept. False (nothing decided) for anything else: the caller then
    /// takes the general path, which gives malformed input its exact answer.
    /// </summary>
    private bool TryDecodeArray(SocketIOPacketType type, string nsp, long ackId, ReadOnlySpan<byte> json, out SocketIOPacket? packet)
    {
        packet = null;
        var isEvent = type == SocketIOPacketType.Event;
        Span<int> initial = stackalloc int[16];
        var bounds = initial;
        int[]? rented = null;
        var arguments = 0;
        string? name = null;
        int end;
        int[]? exactBounds = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = _maxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return false;
            }

            while (true)
            {
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }

                if (isEvent && name is null)
                {
                    name = reader.TokenType switch
                    {
                        JsonTokenType.String => ReadEventName(ref reader),
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                        _ => null,
                    };

                    if (name is null)
                    {
                        return false;
                    }

                    continue;
                }

                var start = (int)reader.TokenStartIndex;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }

                if ((arguments * 2) + 2 > bounds.Length)
                {
                    var grown = ArrayPool<int>.Shared.Rent(bounds.Length * 2);
                    bounds.CopyTo(grown);
                    if (rented is not null)
                    {
                        ArrayPool<int>.Shared.Return(rented);
                    }

                    rented = grown;
                    bounds = grown;
                }

                bounds[arguments * 2] = start;
                bounds[(arguments * 2) + 1] = (int)reader.BytesConsumed;
                arguments++;
            }

            end = (int)reader.BytesConsumed;
            if (reader.Read())
            {
                return false;
            }

            if (arguments > 1)
            {
                exactBounds = bounds[..(arguments * 2)].ToArray();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) // InvalidOperationException: a string that is not valid UTF-8
        {
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }

        if (isEvent && name is null)
        {
            return false; // an empty array
        }

        var utf8 = json[..end].ToArray();
        var args = arguments switch
        {
            0 => new JsonSocketIOArguments(utf8, isEvent ? 1 : 0, 0, 0, 0, null, _options),
            1 => new JsonSocketIOArguments(utf8, isEvent ? 1 : 0, 1, bounds[0], bounds[1], null, _options),
            _ => new JsonSocketIOArguments(utf8, isEvent ? 1 : 0, arguments, 0, 0, exactBounds, _options),
        };

        packet = new SocketIOPacket(type, nsp, ackId, name, args);
        return true;
    }

    /// <summary>The event name at the reader, or null for a reserved one (the general path rejects it).</summary>
    private string? ReadEventName(ref Utf8JsonReader reader)
    {
        var last = _lastEventName;
        if (last is not null && reader.ValueTextEquals(last))
        {
            return last;
        }

        var name = reader.GetString()!;
        if (SocketIOReservedEvents.IsReserved(name))
        {
            return null;
        }

        return _lastEventName = name;
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static JsonElement? ParsePayload(ReadOnlySpan<byte> json, int maxDepth)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
            var element = JsonElement.ParseValue(ref reader);
            if (reader.BytesConsumed != json.Length && json[(int)reader.BytesConsumed..].TrimStart(" \t\r\n"u8).Length != 0)
            {
                return null;
            }

            return element;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsPayloadValid(SocketIOPacketType type, JsonElement? payload)
    {
        switch (type)
        {
            case SocketIOPacketType.Connect:
                return payload is null || payload.Value.ValueKind == JsonValueKind.Object;
            case SocketIOPacketType.Disconnect:
                return payload is null;
            case SocketIOPacketType.ConnectError:
                return payload is { ValueKind: JsonValueKind.String or JsonValueKind.Object };
            case SocketIOPacketType.Event:
            case SocketIOPacketType.BinaryEvent:
                if (payload is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
                {
                    return false;
                }

                var first = array[0];
                return first.ValueKind == JsonValueKind.Number ||
                    (first.ValueKind == JsonValueKind.String && TryGetString(first, out var name) && !SocketIOReservedEvents.IsReserved(name));
            case SocketIOPacketType.Ack:
                // The reference accepts an ack without payload (no arguments).
                return payload is null || payload.Value.ValueKind == JsonValueKind.Array;
            case SocketIOPacketType.BinaryAck:
                return payload is { ValueKind: JsonValueKind.Array };
            default:
                return false;
        }
    }

    /// <summary>The string, or false when its text is not valid UTF-8 (only a transport that passed such bytes on gets here).</summary>
    private static bool TryGetString(JsonElement element, out string? value)
    {
        try
        {
            value = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }

    private static SocketIOPacket Build(SocketIOPacketType type, string nsp, long ackId, JsonElement? payload, byte[][] attachments, JsonSerializerOptions options)
    {
        switch (type)
        {
            case SocketIOPacketType.Event:
                {
                    var array = payload!.Value;
                    var first = array[0];
                    var name = first.ValueKind == JsonValueKind.String ? first.GetString()! : first.GetRawText();
                    return new SocketIOPacket(type, nsp, ackId, name, new JsonSocketIOArguments(array, 1, attachments, options));
                }

            case SocketIOPacketType.Ack:
                return new SocketIOPacket(type, nsp, ackId, null, payload is { } ack ? new JsonSocketIOArguments(ack, 0, attachments, options) : SocketIOArguments.Empty);
            case SocketIOPacketType.Connect:
            case SocketIOPacketType.ConnectError:
                return new SocketIOPacket(type, nsp, ackId, null, payload is { } single ? new JsonSocketIOArguments(single, attachments, options) : SocketIOArguments.Empty);
            default:
                return new SocketIOPacket(type, nsp, ackId, null, null);
        }
    }

    private sealed class PendingBinary(SocketIOPacketType type, string nsp, long ackId, JsonElement payload, int attachmentCount)
    {
        public byte[][] Attachments { get; } = new byte[attachmentCount][];

        public int Received { get; set; }

        public SocketIOPacket Complete(JsonSerializerOptions options)
        {
            JsonPlaceholders.Validate(payload, Attachments.Length);
            return Build(type, nsp, ackId, payload, Attachments, options);
        }
    }
}
