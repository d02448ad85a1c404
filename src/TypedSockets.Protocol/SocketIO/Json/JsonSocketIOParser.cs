using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TypedSockets.Protocol.Buffers;

namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// The default Socket.IO parser (npm <c>socket.io-parser</c>): packets as text with a JSON payload, binary values as
/// placeholders followed by attachments. Arguments serialize with System.Text.Json.
/// </summary>
public sealed class JsonSocketIOParser : SocketIOParser
{
    private static readonly JsonEncodedText s_sid = JsonEncodedText.Encode("sid");
    private static readonly JsonEncodedText s_pid = JsonEncodedText.Encode("pid");
    private static readonly JsonEncodedText s_offset = JsonEncodedText.Encode("offset");
    private static readonly JsonEncodedText s_message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText s_data = JsonEncodedText.Encode("data");

    [ThreadStatic]
    private static EncoderState? t_state;

    /// <summary>A parser with the web defaults (camelCase, case-insensitive reads) and relaxed escaping, as JS writes JSON.</summary>
    public JsonSocketIOParser()
        : this((JsonSerializerOptions?)null)
    {
    }

    /// <summary>
    /// A parser with the web defaults whose argument types come from <paramref name="typeInfoResolver"/>, typically the
    /// app's source-generated <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> (<c>AppJsonContext.Default</c>):
    /// the way to use the parser under Native AOT and trimming.
    /// </summary>
    public JsonSocketIOParser(IJsonTypeInfoResolver typeInfoResolver)
        : this(WithResolver(typeInfoResolver))
    {
    }

    /// <summary>
    /// A parser serializing arguments with <paramref name="options"/> (copied; binary converters are added). Where the
    /// metadata of a type comes from:
    /// <list type="bullet">
    /// <item>the resolvers of <paramref name="options"/> (<see cref="JsonSerializerOptions.TypeInfoResolverChain"/>) first,
    /// then the library's own metadata for JSON trees, primitives, binary and string-keyed maps;</item>
    /// <item>with no resolver (null options, or options with an empty chain), reflection when the app allows it
    /// (<see cref="JsonSerializer.IsReflectionEnabledByDefault"/>, true unless trimmed or Native AOT); without it, a type
    /// that is not the library's fails on first use with a <see cref="SocketIOJsonMetadataException"/> naming it.</item>
    /// </list>
    /// </summary>
    public JsonSocketIOParser(JsonSerializerOptions? options)
    {
        SerializerOptions = JsonMetadata.CreateParserOptions(options);
    }

    /// <summary>
    /// New options with this parser's defaults and no resolver yet. Add the app's context with
    /// <c>options.TypeInfoResolverChain.Add(AppJsonContext.Default)</c>, then pass them to the constructor. The defaults
    /// make the C# contract the wire shape (the msgpack parser uses the same options, see docs/wire-format.md):
    /// <list type="bullet">
    /// <item>web defaults: camelCase member names, case-insensitive reads, numbers read from strings;</item>
    /// <item>relaxed escaping, as JS writes JSON;</item>
    /// <item><see cref="JsonSerializerOptions.MaxDepth"/> 64 (System.Text.Json's default), which is also the nesting limit
    /// of a received packet: deeper input is an invalid payload (npm's parser has no limit; raise it when your payloads
    /// nest deeper);</item>
    /// <item><see cref="JsonSerializerOptions.IncludeFields"/>: public fields travel (structs with fields);</item>
    /// <item><see cref="JsonSerializerOptions.RespectRequiredConstructorParameters"/> and
    /// <see cref="JsonSerializerOptions.RespectNullableAnnotations"/>: a payload that misses a constructor parameter, or
    /// holds null for a non-nullable reference member, fails binding instead of binding a default. Set them to false to
    /// accept such payloads.</item>
    /// </list>
    /// </summary>
    public static JsonSerializerOptions CreateSerializerOptions() =>
        new(JsonSerializerDefaults.Web)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            IncludeFields = true,
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
        };

    private static JsonSerializerOptions WithResolver(IJsonTypeInfoResolver typeInfoResolver)
    {
        ArgumentNullException.ThrowIfNull(typeInfoResolver);
        var options = CreateSerializerOptions();
        options.TypeInfoResolverChain.Add(typeInfoResolver);
        return options;
    }

    /// <summary>The shared default instance.</summary>
    public static JsonSocketIOParser Default { get; } = new();

    /// <summary>"json", as the Engine.IO query and logs name it.</summary>
    public override string Name => "json";

    /// <summary>The options arguments are (de)serialized with.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>
    /// The serializer metadata of <paramref name="type"/> from <see cref="SerializerOptions"/>. An app can call it at
    /// startup for its event types to fail early rather than on the first message.
    /// </summary>
    /// <exception cref="SocketIOJsonMetadataException">No resolver knows the type; the message says what to add.</exception>
    public JsonTypeInfo GetTypeInfo(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return JsonMetadata.Get(SerializerOptions, type);
    }

    /// <summary>
    /// A decoder for one connection. A BINARY_EVENT or BINARY_ACK that announces more than <paramref name="maxAttachments"/>
    /// attachments is malformed: <see cref="SocketIODecoder.TryDecode"/> throws <see cref="InvalidDataException"/>.
    /// </summary>
    public override SocketIODecoder CreateDecoder(int maxAttachments = SocketIODecoder.DefaultMaxAttachments) =>
        new JsonSocketIODecoder(SerializerOptions, maxAttachments);

    /// <summary>The allocation-free typed writer: arguments go straight into a pooled buffer.</summary>
    public override SocketIOPacketWriter RentPacketWriter() => JsonSocketIOPacketWriter.Rent(this);

    /// <inheritdoc/>
    public override EncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long ackId = -1)
    {
        var state = RentState();
        try
        {
            var writer = state.Json;
            writer.WriteStartArray();
            writer.WriteStringValue(eventName);
            WriteArguments(writer, args);
            writer.WriteEndArray();
            writer.Flush();
            return state.Build(SocketIOPacketType.Event, nsp, ackId);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <inheritdoc/>
    public override EncodedPacket EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args)
    {
        var state = RentState();
        try
        {
            var writer = state.Json;
            writer.WriteStartArray();
            WriteArguments(writer, args);
            writer.WriteEndArray();
            writer.Flush();
            return state.Build(SocketIOPacketType.Ack, nsp, ackId);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <inheritdoc/>
    public override EncodedPacket EncodeConnect(string nsp, string sid, string? pid)
    {
        var state = RentState();
        try
        {
            var writer = state.Json;
            writer.WriteStartObject();
            writer.WriteString(s_sid, sid);
            if (pid is not null)
            {
                writer.WriteString(s_pid, pid);
            }

            writer.WriteEndObject();
            writer.Flush();
            return state.Build(SocketIOPacketType.Connect, nsp, -1);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <inheritdoc/>
    public override EncodedPacket EncodeClientConnect(string nsp, object? auth)
    {
        var state = RentState();
        try
        {
            if (auth is not null)
            {
                JsonSerializer.Serialize(state.Json, auth, JsonMetadata.Get(SerializerOptions, auth.GetType()));
                state.Json.Flush();
            }

            return state.Build(SocketIOPacketType.Connect, nsp, -1);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <inheritdoc/>
    public override EncodedPacket EncodeClientConnect(string nsp, object? auth, string? pid, string? offset)
    {
        if (pid is null)
        {
            return EncodeClientConnect(nsp, auth);
        }

        // Serialized first: the auth object's members are copied after pid and offset with this parser's naming rules.
        JsonElement? authElement = auth is null ? null : JsonSerializer.SerializeToElement(auth, JsonMetadata.Get(SerializerOptions, auth.GetType()));
        var state = RentState();
        try
        {
            var writer = state.Json;
            writer.WriteStartObject();
            writer.WriteString(s_pid, pid);
            if (offset is null)
            {
                writer.WriteNull(s_offset);
            }
            else
            {
                writer.WriteString(s_offset, offset);
            }

            if (authElement is { ValueKind: JsonValueKind.Object } members)
            {
                foreach (var member in members.EnumerateObject())
                {
                    if (!member.NameEquals("pid"u8) && !member.NameEquals("offset"u8))
                    {
                        member.WriteTo(writer);
                    }
                }
            }

            writer.WriteEndObject();
            writer.Flush();
            return state.Build(SocketIOPacketType.Connect, nsp, -1);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <inheritdoc/>
    public override EncodedPacket EncodeConnectError(string nsp, string message, object? data)
    {
        var state = RentState();
        try
        {
            var writer = state.Json;
            writer.WriteStartObject();
            writer.WriteString(s_message, message);
            if (data is not null)
            {
                writer.WritePropertyName(s_data);
                JsonSerializer.Serialize(writer, data, JsonMetadata.Get(SerializerOptions, data.GetType()));
            }

            writer.WriteEndObject();
            writer.Flush();
            return state.Build(SocketIOPacketType.ConnectError, nsp, -1);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <inheritdoc/>
    public override EncodedPacket EncodeDisconnect(string nsp)
    {
        var state = RentState();
        try
        {
            return state.Build(SocketIOPacketType.Disconnect, nsp, -1);
        }
        finally
        {
            ReturnState(state);
        }
    }

    private void WriteArguments(Utf8JsonWriter writer, ReadOnlySpan<object?> args)
    {
        foreach (var arg in args)
        {
            switch (arg)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case string s:
                    writer.WriteStringValue(s);
                    break;
                case int n:
                    writer.WriteNumberValue(n);
                    break;
                case long n:
                    writer.WriteNumberValue(n);
                    break;
                case double d:
                    writer.WriteNumberValue(d);
                    break;
                case bool b:
                    writer.WriteBooleanValue(b);
                    break;
                case JsonElement e:
                    JsonRawWriter.Write(writer, e);
                    break;
                case JsonWithAttachments withAttachments:
                    withAttachments.WriteTo(writer);
                    break;
                default:
                    JsonSerializer.Serialize(writer, arg, JsonMetadata.Get(SerializerOptions, arg.GetType()));
                    break;
            }
        }
    }

    private static EncoderState RentState()
    {
        var state = t_state;
        if (state is null || state.InUse)
        {
            state = new EncoderState();
            t_state ??= state;
        }

        state.Enter();
        return state;
    }

    private static void ReturnState(EncoderState state) => state.Exit();

    /// <summary>Per-thread buffers: the JSON body is written first (collecting attachments), then the header in front of it.</summary>
    private sealed class EncoderState
    {
        private readonly PooledByteBufferWriter _body = new();
        private readonly List<ReadOnlyMemory<byte>> _attachments = [];
        private List<ReadOnlyMemory<byte>>? _previous;

        public EncoderState()
        {
            Json = new Utf8JsonWriter(_body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false });
        }

        public Utf8JsonWriter Json { get; }

        public bool InUse { get; private set; }

        public void Enter()
        {
            InUse = true;
            _body.Clear();
            _attachments.Clear();
            Json.Reset(_body);
            _previous = JsonAttachmentScope.EnterOutgoing(_attachments);
        }

        public void Exit()
        {
            JsonAttachmentScope.ExitOutgoing(_previous);
            _previous = null;
            _attachments.Clear();
            _body.Reset();
            InUse = false;
        }

        public EncodedPacket Build(SocketIOPacketType type, string nsp, long ackId)
        {
            var binary = _attachments.Count > 0;
            if (binary)
            {
                type = type switch
                {
                    SocketIOPacketType.Event => SocketIOPacketType.BinaryEvent,
                    SocketIOPacketType.Ack => SocketIOPacketType.BinaryAck,
                    _ => type,
                };
            }

            var hasNsp = nsp.Length > 0 && nsp != "/";
            var nspBytes = hasNsp ? Encoding.UTF8.GetByteCount(nsp) + 1 : 0;
            Span<byte> digits = stackalloc byte[40];
            var length = 1;
            var attachmentDigits = 0;
            if (binary)
            {
                Utf8Formatter.TryFormat(_attachments.Count, digits, out attachmentDigits);
                length += attachmentDigits + 1;
            }

            var ackDigits = 0;
            if (ackId >= 0)
            {
                Utf8Formatter.TryFormat(ackId, digits[20..], out ackDigits);
            }

            length += nspBytes + ackDigits + _body.WrittenCount;
            var result = new byte[length];
            var span = result.AsSpan();
            span[0] = (byte)('0' + (int)type);
            var pos = 1;
            if (binary)
            {
                digits[..attachmentDigits].CopyTo(span[pos..]);
                pos += attachmentDigits;
                span[pos++] = (byte)'-';
            }

            if (hasNsp)
            {
                pos += Encoding.UTF8.GetBytes(nsp, span[pos..]);
                span[pos++] = (byte)',';
            }

            if (ackDigits > 0)
            {
                digits.Slice(20, ackDigits).CopyTo(span[pos..]);
                pos += ackDigits;
            }

            _body.WrittenSpan.CopyTo(span[pos..]);
            return new EncodedPacket(result, payloadIsBinary: false, binary ? _attachments.ToArray() : null);
        }
    }
}
