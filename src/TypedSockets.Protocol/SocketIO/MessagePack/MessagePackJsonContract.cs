using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MessagePack;
using TypedSockets.Protocol.Buffers;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>
/// The msgpack parser's default object mapping: a value travels in the shape its System.Text.Json contract gives it
/// (names, naming policy, converters, enum form, required members), as a natural msgpack value. Writing serializes with
/// the <see cref="JsonTypeInfo"/> into a pooled UTF-8 buffer, binary members collected beside it as placeholders, then
/// transcodes the JSON tokens to msgpack (placeholders become bin). Reading transcodes msgpack to JSON (bin becomes a
/// placeholder, dates ISO 8601 strings) and deserializes with the same metadata. Per-thread buffers; nothing else allocated.
/// </summary>
internal static class MessagePackJsonContract
{
    [ThreadStatic]
    private static State? t_state;

    /// <summary>Writes <paramref name="value"/> as the msgpack form of its JSON contract.</summary>
    public static void Write<T>(ref MessagePackWriter writer, T value, JsonTypeInfo<T> info)
    {
        var state = Rent();
        try
        {
            var outer = JsonAttachmentScope.EnterOutgoing(state.Outgoing);
            try
            {
                JsonSerializer.Serialize(state.Json, value, info);
                state.Json.Flush();
            }
            finally
            {
                JsonAttachmentScope.ExitOutgoing(outer);
            }

            Transcode(state.Buffer.WrittenSpan, state.Outgoing, state.Counts, state.Stack, ref writer);
        }
        finally
        {
            Return(state);
        }
    }

    /// <summary>Writes <paramref name="value"/> (described by <paramref name="info"/>, its runtime type's metadata).</summary>
    public static void Write(ref MessagePackWriter writer, object value, JsonTypeInfo info)
    {
        var state = Rent();
        try
        {
            var outer = JsonAttachmentScope.EnterOutgoing(state.Outgoing);
            try
            {
                JsonSerializer.Serialize(state.Json, value, info);
                state.Json.Flush();
            }
            finally
            {
                JsonAttachmentScope.ExitOutgoing(outer);
            }

            Transcode(state.Buffer.WrittenSpan, state.Outgoing, state.Counts, state.Stack, ref writer);
        }
        finally
        {
            Return(state);
        }
    }

    /// <summary>Reads the msgpack value <paramref name="msgpack"/> through its JSON contract.</summary>
    /// <exception cref="JsonException">The value does not fit the contract (a missing required member, a null non-nullable one...).</exception>
    public static T? Read<T>(ReadOnlySpan<byte> msgpack, JsonTypeInfo<T> info)
    {
        var state = Rent();
        try
        {
            var json = ToJson(msgpack, state, info.Type);
            var outer = JsonAttachmentScope.EnterIncoming(state.Incoming);
            try
            {
                return JsonSerializer.Deserialize(json, info);
            }
            finally
            {
                JsonAttachmentScope.ExitIncoming(outer);
            }
        }
        finally
        {
            Return(state);
        }
    }

    /// <summary>Reads the msgpack value <paramref name="msgpack"/> through the contract <paramref name="info"/>.</summary>
    public static object? Read(ReadOnlySpan<byte> msgpack, JsonTypeInfo info)
    {
        var state = Rent();
        try
        {
            var json = ToJson(msgpack, state, info.Type);
            var outer = JsonAttachmentScope.EnterIncoming(state.Incoming);
            try
            {
                return JsonSerializer.Deserialize(json, info);
            }
            finally
            {
                JsonAttachmentScope.ExitIncoming(outer);
            }
        }
        finally
        {
            Return(state);
        }
    }

    private static ReadOnlySpan<byte> ToJson(ReadOnlySpan<byte> msgpack, State state, Type type)
    {
        var pos = 0;
        if (type == typeof(object) || type == typeof(JsonElement) || type == typeof(JsonElement?))
        {
            // A JSON tree cannot hold bytes: binary becomes base64, System.Text.Json's form of byte[].
            MessagePackJson.WriteJson(msgpack, ref pos, state.Json, (JsonSerializerOptions?)null);
        }
        else
        {
            MessagePackJson.WriteJson(msgpack, ref pos, state.Json, state.Incoming);
        }

        state.Json.Flush();
        return state.Buffer.WrittenSpan;
    }

    /// <summary>
    /// Writes the JSON text <paramref name="json"/> (as System.Text.Json wrote it) as msgpack: objects as maps with string
    /// keys, integral numbers as the smallest msgpack integer, other numbers as float64, placeholders of
    /// <paramref name="attachments"/> as bin. Two passes over the tokens: the first counts the members of every container
    /// (msgpack headers come first), the second writes.
    /// </summary>
    internal static void Transcode(ReadOnlySpan<byte> json, List<ReadOnlyMemory<byte>> attachments, List<int> counts, List<int> stack, ref MessagePackWriter writer)
    {
        counts.Clear();
        stack.Clear();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject when attachments.Count > 0 && IsPlaceholder(reader, attachments.Count, out _):
                    CountValue(counts, stack);
                    reader.Skip();
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    CountValue(counts, stack);
                    stack.Add(counts.Count);
                    counts.Add(0);
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.RemoveAt(stack.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    break;
                default:
                    CountValue(counts, stack);
                    break;
            }
        }

        reader = new Utf8JsonReader(json);
        var next = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject when attachments.Count > 0 && IsPlaceholder(reader, attachments.Count, out var num):
                    writer.Write(attachments[num].Span);
                    reader.Skip();
                    break;
                case JsonTokenType.StartObject:
                    writer.WriteMapHeader(counts[next++]);
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteArrayHeader(counts[next++]);
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    break;
                case JsonTokenType.PropertyName:
                case JsonTokenType.String:
                    WriteString(ref reader, ref writer);
                    break;
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out var l))
                    {
                        writer.Write(l);
                    }
                    else if (reader.TryGetUInt64(out var u))
                    {
                        writer.Write(u);
                    }
                    else
                    {
                        SocketIOMessagePackResolver.WriteNumber(ref writer, reader.GetDouble());
                    }

                    break;
                case JsonTokenType.True:
                    writer.Write(true);
                    break;
                case JsonTokenType.False:
                    writer.Write(false);
                    break;
                default:
                    writer.WriteNil();
                    break;
            }
        }
    }

    private static void CountValue(List<int> counts, List<int> stack)
    {
        if (stack.Count > 0)
        {
            counts[stack[^1]]++;
        }
    }

    // Exactly the form BinaryPlaceholderConverterFactory.WriteBytes writes: {"_placeholder":true,"num":N}.
    private static bool IsPlaceholder(Utf8JsonReader reader, int attachmentCount, out int num)
    {
        num = -1;
        return reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("_placeholder"u8)
            && reader.Read() && reader.TokenType == JsonTokenType.True
            && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("num"u8)
            && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out num) && (uint)num < (uint)attachmentCount
            && reader.Read() && reader.TokenType == JsonTokenType.EndObject;
    }

    private static void WriteString(ref Utf8JsonReader reader, ref MessagePackWriter writer)
    {
        if (!reader.ValueIsEscaped)
        {
            writer.WriteString(reader.ValueSpan);
            return;
        }

        // Unescaped text is never longer than escaped.
        var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var written = reader.CopyString(rented);
            writer.WriteString(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static State Rent()
    {
        var state = t_state;
        if (state is null || state.InUse)
        {
            state = new State();
            t_state ??= state;
        }

        state.InUse = true;
        state.Buffer.Clear();
        state.Json.Reset(state.Buffer);
        return state;
    }

    private static void Return(State state)
    {
        state.Outgoing.Clear();
        state.Incoming.Clear();
        state.Buffer.Reset();
        state.InUse = false;
    }

    private sealed class State
    {
        public State()
        {
            Json = new Utf8JsonWriter(Buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }

        public PooledByteBufferWriter Buffer { get; } = new();

        public Utf8JsonWriter Json { get; }

        public List<ReadOnlyMemory<byte>> Outgoing { get; } = [];

        public List<byte[]> Incoming { get; } = [];

        public List<int> Counts { get; } = [];

        public List<int> Stack { get; } = [];

        public bool InUse { get; set; }
    }
}
