using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// A received JSON value that holds binary placeholders, kept with the packet's attachments so that re-emitting it
/// sends the binary again (placeholders renumbered depth-first for the new packet, as the reference does).
/// Returned by <see cref="SocketIOArguments.GetRaw"/> for such values.
/// </summary>
[JsonConverter(typeof(JsonWithAttachmentsConverter))]
public sealed class JsonWithAttachments
{
    internal JsonWithAttachments(JsonElement element, byte[][] attachments)
    {
        Element = element;
        Attachments = attachments;
    }

    /// <summary>The JSON as received, placeholders included.</summary>
    public JsonElement Element { get; }

    /// <summary>The attachments the placeholders point at.</summary>
    public IReadOnlyList<byte[]> Attachments { get; }

    internal void WriteTo(Utf8JsonWriter writer) => Write(writer, Element);

    private void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (JsonPlaceholders.TryGetPlaceholder(element, out var num) && num < Attachments.Count)
                {
                    BinaryPlaceholderConverterFactory.WriteBytes(writer, Attachments[num]);
                    return;
                }

                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                return;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                return;
            default:
                JsonRawWriter.Write(writer, element);
                return;
        }
    }

    internal static bool ContainsPlaceholder(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (JsonPlaceholders.TryGetPlaceholder(element, out _))
                {
                    return true;
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (ContainsPlaceholder(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (ContainsPlaceholder(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    internal sealed class JsonWithAttachmentsConverter : JsonConverter<JsonWithAttachments>
    {
        public override JsonWithAttachments Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("JsonWithAttachments is only written.");

        public override void Write(Utf8JsonWriter writer, JsonWithAttachments value, JsonSerializerOptions options) => value.WriteTo(writer);
    }
}
