using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// The JSON parser's typed writer: one reused <see cref="Utf8JsonWriter"/> writes the arguments straight into a
/// <see cref="PooledPacketBuffer"/>, after room kept for the header, which is filled in last (right-aligned) once the
/// attachment count and ack id are known. Values go through <see cref="JsonTypeInfo{T}"/> from the parser's options
/// (a source-generated context when configured), cached per type.
/// </summary>
internal sealed class JsonSocketIOPacketWriter : SocketIOPacketWriter
{
    // type digit + up to 10 attachment digits and '-' + up to 20 ack digits; the namespace and its ',' are added.
    private const int FixedHeaderReserve = 1 + 11 + 20;

    [ThreadStatic]
    private static JsonSocketIOPacketWriter? t_cached;

    private static readonly JsonEncodedText s_placeholder = JsonEncodedText.Encode("_placeholder");
    private static readonly JsonEncodedText s_num = JsonEncodedText.Encode("num");

    private readonly JsonSocketIOParser _parser;
    private readonly Utf8JsonWriter _json;
    private readonly List<ReadOnlyMemory<byte>> _attachments = [];
    private PooledPacketBuffer? _buffer;
    private List<ReadOnlyMemory<byte>>? _previousScope;
    private bool _inScope;
    private int _reserve;
    private bool _ack;

    private JsonSocketIOPacketWriter(JsonSocketIOParser parser)
    {
        _parser = parser;
        _json = new Utf8JsonWriter(Stream.Null, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public static JsonSocketIOPacketWriter Rent(JsonSocketIOParser parser)
    {
        var cached = t_cached;
        if (cached is not null && ReferenceEquals(cached._parser, parser))
        {
            t_cached = null;
            return cached;
        }

        return new JsonSocketIOPacketWriter(parser);
    }

    public override void BeginEvent(string nsp, SocketEventName name)
    {
        Begin(nsp);
        Event = name;
        _ack = false;
        _json.WriteStartArray();
        _json.WriteStringValue(EncodedName(name));
    }

    public override void BeginAck(string nsp)
    {
        Begin(nsp);
        Event = null;
        _ack = true;
        _json.WriteStartArray();
    }

    private void Begin(string nsp)
    {
        if (_buffer is not null)
        {
            Abandon();
        }

        Namespace = nsp;
        _reserve = FixedHeaderReserve + (HasNamespace(nsp) ? Encoding.UTF8.GetByteCount(nsp) + 1 : 0);
        _buffer = PooledPacketBuffer.Rent(_reserve);
        _attachments.Clear();
        _json.Reset(_buffer);
        _previousScope = JsonAttachmentScope.EnterOutgoing(_attachments);
        _inScope = true;
    }

    private static JsonEncodedText EncodedName(SocketEventName name)
    {
        if (name.EncoderCache is JsonEncodedText cached)
        {
            return cached;
        }

        var encoded = JsonEncodedText.Encode(name.Name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        name.EncoderCache = encoded;
        return encoded;
    }

    private static bool HasNamespace(string nsp) => nsp.Length > 0 && nsp != "/";

    public override void WriteNull() => _json.WriteNullValue();

    public override void WriteString(string? value)
    {
        if (value is null)
        {
            _json.WriteNullValue();
        }
        else
        {
            _json.WriteStringValue(value);
        }
    }

    public override void WriteBoolean(bool value) => _json.WriteBooleanValue(value);

    public override void WriteInt32(int value) => _json.WriteNumberValue(value);

    public override void WriteInt64(long value) => _json.WriteNumberValue(value);

    public override void WriteDouble(double value) => _json.WriteNumberValue(value);

    public override void WriteBinary(ReadOnlyMemory<byte> value)
    {
        _json.WriteStartObject();
        _json.WriteBoolean(s_placeholder, true);
        _json.WriteNumber(s_num, _attachments.Count);
        _json.WriteEndObject();
        _attachments.Add(value);
    }

    public override void Write<T>(T value) => JsonSerializer.Serialize(_json, value, JsonMetadata.Get<T>(_parser.SerializerOptions));

    public override void WriteError(string message, string? code)
    {
        ArgumentNullException.ThrowIfNull(message);
        _json.WriteStartObject();
        _json.WriteStartObject("error");
        _json.WriteString("message", message);
        if (code is not null)
        {
            _json.WriteString("code", code);
        }

        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    public override OutgoingPacket Complete(long ackId = -1)
    {
        var buffer = _buffer ?? throw new InvalidOperationException("No packet was begun.");
        _json.WriteEndArray();
        _json.Flush();
        ExitScope();

        var binary = _attachments.Count > 0;
        var type = (_ack, binary) switch
        {
            (false, false) => SocketIOPacketType.Event,
            (false, true) => SocketIOPacketType.BinaryEvent,
            (true, false) => SocketIOPacketType.Ack,
            (true, true) => SocketIOPacketType.BinaryAck,
        };

        // Header, written backwards so it ends where the JSON body starts.
        var header = buffer.GetWrittenSpan(0, _reserve);
        var pos = _reserve;
        if (ackId >= 0)
        {
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(ackId, digits, out var n);
            pos -= n;
            digits[..n].CopyTo(header[pos..]);
        }

        var nsp = Namespace;
        if (HasNamespace(nsp))
        {
            header[--pos] = (byte)',';
            var nspLength = Encoding.UTF8.GetByteCount(nsp);
            pos -= nspLength;
            Encoding.UTF8.GetBytes(nsp, header.Slice(pos, nspLength));
        }

        if (binary)
        {
            header[--pos] = (byte)'-';
            Span<byte> digits = stackalloc byte[11];
            Utf8Formatter.TryFormat(_attachments.Count, digits, out var n);
            pos -= n;
            digits[..n].CopyTo(header[pos..]);
        }

        header[--pos] = (byte)('0' + (int)type);
        buffer.SetStart(pos);

        var attachments = binary ? _attachments.ToArray() : null;
        _attachments.Clear();
        _buffer = null;
        return new OutgoingPacket(buffer.Payload, payloadIsBinary: false, attachments, buffer);
    }

    public override void Return()
    {
        if (_buffer is not null)
        {
            Abandon();
        }

        Event = null;
        t_cached = this;
    }

    private void Abandon()
    {
        ExitScope();
        _attachments.Clear();
        _json.Reset(Stream.Null);
        _buffer?.Release();
        _buffer = null;
    }

    private void ExitScope()
    {
        if (_inScope)
        {
            JsonAttachmentScope.ExitOutgoing(_previousScope);
            _previousScope = null;
            _inScope = false;
        }
    }
}
