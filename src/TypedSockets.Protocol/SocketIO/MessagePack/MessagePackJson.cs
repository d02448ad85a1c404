using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using MessagePack;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>Conversions between msgpack values and JSON, with the meaning JS gives both sides.</summary>
internal static class MessagePackJson
{
    /// <summary>
    /// Writes the msgpack value at <paramref name="pos"/> as JSON. Binary is written through <paramref name="options"/>
    /// as <c>byte[]</c> (the JSON parser turns it into an attachment); without options as base64.
    /// </summary>
    public static void WriteJson(ReadOnlySpan<byte> s, ref int pos, Utf8JsonWriter writer, JsonSerializerOptions? options) =>
        WriteJson(s, ref pos, writer, options, null);

    /// <summary>
    /// Writes the msgpack value at <paramref name="pos"/> as JSON, binary as placeholders <c>{"_placeholder":true,"num":N}</c>
    /// whose bytes are added to <paramref name="attachments"/> (read back by the binary converters under
    /// <see cref="JsonAttachmentScope.EnterIncoming"/>). Dates (notepack's ext 0, the msgpack timestamp ext -1) become
    /// ISO 8601 strings.
    /// </summary>
    public static void WriteJson(ReadOnlySpan<byte> s, ref int pos, Utf8JsonWriter writer, List<byte[]> attachments) =>
        WriteJson(s, ref pos, writer, null, attachments);

    private static void WriteJson(ReadOnlySpan<byte> s, ref int pos, Utf8JsonWriter writer, JsonSerializerOptions? options, List<byte[]>? attachments)
    {
        var token = MessagePackToken.Read(s, pos);
        var payload = s.Slice(pos + token.HeaderSize, token.ScalarSize == 0 ? 0 : (int)token.Length);
        switch (token.Kind)
        {
            case MessagePackTokenKind.Nil:
                writer.WriteNullValue();
                break;
            case MessagePackTokenKind.Boolean:
                writer.WriteBooleanValue(token.Code == 0xc3);
                break;
            case MessagePackTokenKind.Integer:
                if (token.Code == 0xcf)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt64BigEndian(payload));
                }
                else
                {
                    MessagePackToken.TryReadInteger(s, pos, out var n);
                    writer.WriteNumberValue(n);
                }

                break;
            case MessagePackTokenKind.Float:
                var d = token.Length == 4 ? BinaryPrimitives.ReadSingleBigEndian(payload) : BinaryPrimitives.ReadDoubleBigEndian(payload);
                if (double.IsFinite(d))
                {
                    writer.WriteNumberValue(d);
                }
                else
                {
                    writer.WriteNullValue(); // JSON.stringify writes NaN and Infinity as null
                }

                break;
            case MessagePackTokenKind.String:
                writer.WriteStringValue(payload);
                break;
            case MessagePackTokenKind.Binary:
                WriteBytes(writer, payload.ToArray(), options, attachments);
                break;
            case MessagePackTokenKind.Extension:
                if (token.IsUndefined)
                {
                    writer.WriteNullValue();
                }
                else if (token.IsJavaScriptDate)
                {
                    var ms = BinaryPrimitives.ReadInt64BigEndian(payload);
                    writer.WriteStringValue(DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                }
                else if (token.ExtensionType == -1 && TryReadTimestamp(payload, out var timestamp))
                {
                    writer.WriteStringValue(timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
                }
                else if (token.IsArrayBuffer)
                {
                    WriteBytes(writer, payload.ToArray(), options, attachments);
                }
                else
                {
                    // notepack.io reads other extensions as [type, bytes].
                    writer.WriteStartArray();
                    writer.WriteNumberValue(token.ExtensionType);
                    WriteBytes(writer, payload.ToArray(), options, attachments);
                    writer.WriteEndArray();
                }

                break;
            case MessagePackTokenKind.Array:
                writer.WriteStartArray();
                pos += token.HeaderSize;
                for (long i = 0; i < token.Length; i++)
                {
                    WriteJson(s, ref pos, writer, options, attachments);
                }

                writer.WriteEndArray();
                return;
            case MessagePackTokenKind.Map:
                writer.WriteStartObject();
                pos += token.HeaderSize;
                for (long i = 0; i < token.Length; i++)
                {
                    var key = MessagePackToken.Read(s, pos);
                    var valueAt = MessagePackScanner.End(s, pos);
                    if (MessagePackToken.Read(s, valueAt).IsUndefined)
                    {
                        pos = MessagePackScanner.End(s, valueAt); // JSON.stringify leaves undefined properties out
                        continue;
                    }

                    if (key.Kind == MessagePackTokenKind.String)
                    {
                        writer.WritePropertyName(s.Slice(pos + key.HeaderSize, (int)key.Length));
                    }
                    else
                    {
                        writer.WritePropertyName(KeyText(s, pos));
                    }

                    pos = valueAt;
                    WriteJson(s, ref pos, writer, options, attachments);
                }

                writer.WriteEndObject();
                return;
        }

        pos += token.ScalarSize;
    }

    private static string KeyText(ReadOnlySpan<byte> s, int pos) =>
        MessagePackToken.TryReadInteger(s, pos, out var n) ? n.ToString(CultureInfo.InvariantCulture) : Convert.ToHexString(s[pos..MessagePackScanner.End(s, pos)]);

    // The msgpack timestamp extension (type -1): 32-bit seconds, 64-bit nanoseconds:30 + seconds:34, or 96-bit
    // nanoseconds:32 + seconds:64; as UTC.
    private static bool TryReadTimestamp(ReadOnlySpan<byte> payload, out DateTime value)
    {
        long seconds;
        long nanoseconds;
        switch (payload.Length)
        {
            case 4:
                seconds = BinaryPrimitives.ReadUInt32BigEndian(payload);
                nanoseconds = 0;
                break;
            case 8:
                var packed = BinaryPrimitives.ReadUInt64BigEndian(payload);
                nanoseconds = (long)(packed >> 34);
                seconds = (long)(packed & 0x3_ffff_ffffUL);
                break;
            case 12:
                nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(payload);
                seconds = BinaryPrimitives.ReadInt64BigEndian(payload[4..]);
                break;
            default:
                value = default;
                return false;
        }

        const long MinSeconds = -62135596800; // 0001-01-01
        const long MaxSeconds = 253402300799; // 9999-12-31T23:59:59
        if (nanoseconds > 999_999_999 || seconds < MinSeconds || seconds > MaxSeconds)
        {
            value = default;
            return false;
        }

        value = DateTime.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100));
        return true;
    }

    private static void WriteBytes(Utf8JsonWriter writer, byte[] bytes, JsonSerializerOptions? options, List<byte[]>? attachments)
    {
        if (attachments is not null)
        {
            writer.WriteStartObject();
            writer.WriteBoolean("_placeholder"u8, true);
            writer.WriteNumber("num"u8, attachments.Count);
            writer.WriteEndObject();
            attachments.Add(bytes);
        }
        else if (options is null)
        {
            writer.WriteBase64StringValue(bytes);
        }
        else
        {
            JsonSerializer.Serialize(writer, bytes, JsonMetadata.Get<byte[]>(options));
        }
    }

    /// <summary>Writes a JSON value as msgpack the way notepack.io would write the equivalent JS value.</summary>
    public static void WriteMessagePack(ref MessagePackWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var unused in element.EnumerateObject())
                {
                    count++;
                }

                writer.WriteMapHeader(count);
                foreach (var property in element.EnumerateObject())
                {
                    writer.Write(property.Name);
                    WriteMessagePack(ref writer, property.Value);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    WriteMessagePack(ref writer, item);
                }

                break;
            case JsonValueKind.String:
                writer.Write(element.GetString());
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var l))
                {
                    writer.Write(l);
                }
                else if (element.TryGetUInt64(out var u))
                {
                    writer.Write(u);
                }
                else
                {
                    SocketIOMessagePackResolver.WriteNumber(ref writer, element.GetDouble());
                }

                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }
}
