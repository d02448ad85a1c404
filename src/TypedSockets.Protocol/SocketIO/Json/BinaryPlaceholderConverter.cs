using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// Makes byte[], ReadOnlyMemory&lt;byte&gt;, Memory&lt;byte&gt; and ArraySegment&lt;byte&gt; travel as Socket.IO binary
/// attachments: written as <c>{"_placeholder":true,"num":N}</c> while a packet is encoded, read back from the
/// placeholder while a packet is decoded. Outside a packet they fall back to base64 strings, as System.Text.Json does.
/// </summary>
internal sealed class BinaryPlaceholderConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert == typeof(byte[]) || typeToConvert == typeof(ReadOnlyMemory<byte>) ||
        typeToConvert == typeof(Memory<byte>) || typeToConvert == typeof(ArraySegment<byte>);

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        if (typeToConvert == typeof(byte[]))
        {
            return ByteArrayConverter.Instance;
        }

        if (typeToConvert == typeof(ReadOnlyMemory<byte>))
        {
            return ReadOnlyMemoryConverter.Instance;
        }

        if (typeToConvert == typeof(Memory<byte>))
        {
            return MemoryConverter.Instance;
        }

        return ArraySegmentConverter.Instance;
    }

    internal static byte[]? ReadBytes(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetBytesFromBase64();
            case JsonTokenType.StartObject:
                {
                    var attachments = JsonAttachmentScope.Incoming
                        ?? throw new JsonException("A binary placeholder was found outside of a packet with attachments.");
                    var isPlaceholder = false;
                    var num = -1;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        if (reader.TokenType != JsonTokenType.PropertyName)
                        {
                            throw new JsonException("Invalid binary placeholder.");
                        }

                        if (reader.ValueTextEquals("_placeholder"u8))
                        {
                            reader.Read();
                            isPlaceholder = reader.TokenType == JsonTokenType.True;
                        }
                        else if (reader.ValueTextEquals("num"u8))
                        {
                            reader.Read();
                            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out num))
                            {
                                throw new JsonException("Invalid binary placeholder number.");
                            }
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }

                    if (!isPlaceholder || (uint)num >= (uint)attachments.Count)
                    {
                        throw new JsonException("Expected a binary attachment placeholder.");
                    }

                    return attachments[num];
                }

            default:
                throw new JsonException($"Expected binary data, found {reader.TokenType}.");
        }
    }

    internal static void WriteBytes(Utf8JsonWriter writer, ReadOnlyMemory<byte> value)
    {
        var collector = JsonAttachmentScope.Outgoing;
        if (collector is null)
        {
            writer.WriteBase64StringValue(value.Span);
            return;
        }

        writer.WriteStartObject();
        writer.WriteBoolean(PlaceholderProperty, true);
        writer.WriteNumber(NumProperty, collector.Count);
        writer.WriteEndObject();
        collector.Add(value);
    }

    private static readonly JsonEncodedText PlaceholderProperty = JsonEncodedText.Encode("_placeholder");
    private static readonly JsonEncodedText NumProperty = JsonEncodedText.Encode("num");

    private sealed class ByteArrayConverter : JsonConverter<byte[]>
    {
        public static readonly ByteArrayConverter Instance = new();

        public override bool HandleNull => false;

        public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadBytes(ref reader);

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => WriteBytes(writer, value);
    }

    private sealed class ReadOnlyMemoryConverter : JsonConverter<ReadOnlyMemory<byte>>
    {
        public static readonly ReadOnlyMemoryConverter Instance = new();

        public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadBytes(ref reader);

        public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options) => WriteBytes(writer, value);
    }

    private sealed class MemoryConverter : JsonConverter<Memory<byte>>
    {
        public static readonly MemoryConverter Instance = new();

        public override Memory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadBytes(ref reader);

        public override void Write(Utf8JsonWriter writer, Memory<byte> value, JsonSerializerOptions options) => WriteBytes(writer, value);
    }

    private sealed class ArraySegmentConverter : JsonConverter<ArraySegment<byte>>
    {
        public static readonly ArraySegmentConverter Instance = new();

        public override ArraySegment<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ReadBytes(ref reader) is { } bytes ? new ArraySegment<byte>(bytes) : default;

        public override void Write(Utf8JsonWriter writer, ArraySegment<byte> value, JsonSerializerOptions options) => WriteBytes(writer, value.AsMemory());
    }
}
