using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>
/// A received msgpack value kept as its bytes (what <see cref="MessagePackSocketIOArguments.GetRaw"/> returns). The
/// msgpack parser writes it back verbatim, JS undefined and Dates included; the JSON parser converts it to JSON (binary
/// becomes attachments, a Date its ISO 8601 text, undefined null), so a value can be forwarded between endpoints
/// that use different parsers.
/// </summary>
[JsonConverter(typeof(MessagePackRawValueJsonConverter))]
public sealed class MessagePackRawValue
{
    /// <summary>Wraps <paramref name="bytes"/>, which must hold exactly one complete msgpack value; not copied, not validated.</summary>
    public MessagePackRawValue(ReadOnlyMemory<byte> bytes)
    {
        Bytes = bytes;
    }

    /// <summary>One complete msgpack value.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The value as JSON text (for logs and debugging).</summary>
    public override string ToString()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            var pos = 0;
            MessagePackJson.WriteJson(Bytes.Span, ref pos, writer, (JsonSerializerOptions?)null);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    internal sealed class MessagePackRawValueJsonConverter : JsonConverter<MessagePackRawValue>
    {
        public override MessagePackRawValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("MessagePackRawValue is only written to JSON.");

        public override void Write(Utf8JsonWriter writer, MessagePackRawValue value, JsonSerializerOptions options)
        {
            var pos = 0;
            MessagePackJson.WriteJson(value.Bytes.Span, ref pos, writer, options);
        }
    }
}
