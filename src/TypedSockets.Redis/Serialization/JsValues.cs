using System.Collections;
using System.Text.Json;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Redis.Serialization;

/// <summary>
/// Converts between CLR values and the JS values other Socket.IO nodes exchange. A JS value tree is made of null, bool,
/// <see cref="long"/>/<see cref="double"/> (and other CLR numbers), string, byte[], <c>List&lt;object?&gt;</c>,
/// <c>Dictionary&lt;string, object?&gt;</c> and <see cref="JsonElement"/>; the JSON parser re-encodes any of them
/// unchanged, and <see cref="NotepackWriter"/> writes them as notepack.io does.
/// </summary>
internal static class JsValues
{
    /// <summary>
    /// The JS value a client would receive for <paramref name="value"/>: simple values as they are; any other object
    /// as the JSON parser serializes it (its naming policy and converters), with binary parts kept as byte[].
    /// </summary>
    public static object? FromClr(object? value, JsonSocketIOParser parser)
    {
        switch (value)
        {
            case null or bool or string or int or long or double or float or decimal or short or ushort or byte or sbyte or uint or ulong or byte[] or JsonElement:
                return value;
            case char c:
                return c.ToString();
            case ReadOnlyMemory<byte> rom:
                return rom.ToArray();
            case Memory<byte> mem:
                return mem.ToArray();
            case ArraySegment<byte> segment:
                return segment.ToArray();
            case IReadOnlyDictionary<string, object?> map:
                {
                    var result = new Dictionary<string, object?>(map.Count, StringComparer.Ordinal);
                    foreach (var (key, item) in map)
                    {
                        result[key] = FromClr(item, parser);
                    }

                    return result;
                }

            case IList list when value.GetType().IsArray || value is List<object?>:
                {
                    var result = new List<object?>(list.Count);
                    foreach (var item in list)
                    {
                        result.Add(FromClr(item, parser));
                    }

                    return result;
                }

            default:
                return ThroughParser(value, parser);
        }
    }

    /// <summary>Converts every argument (see <see cref="FromClr(object?, JsonSocketIOParser)"/>).</summary>
    public static List<object?> FromClr(IReadOnlyList<object?> args, JsonSocketIOParser parser, int capacityExtra = 0)
    {
        var result = new List<object?>(args.Count + capacityExtra);
        foreach (var arg in args)
        {
            result.Add(FromClr(arg, parser));
        }

        return result;
    }

    /// <summary>A server-side event as the Node adapters carry it: the event name, then the converted arguments.</summary>
    public static List<object?> EventData(string eventName, object?[] args, JsonSocketIOParser parser)
    {
        var data = FromClr(args, parser, 1);
        data.Insert(0, eventName);
        return data;
    }

    /// <summary>A JSON value as a JS value tree (objects as dictionaries, arrays as lists, integers as long).</summary>
    public static object? FromJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    map[property.Name] = FromJson(property.Value);
                }

                return map;
            case JsonValueKind.Array:
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(FromJson(item));
                }

                return list;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out var n) ? n : element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>Parses a JSON message into a JS value tree.</summary>
    public static object? ParseJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        return FromJson(document.RootElement);
    }

    /// <summary>Writes a JS value tree as <c>JSON.stringify</c> would (a byte[] as a Node Buffer's JSON form).</summary>
    public static void WriteJson(Utf8JsonWriter writer, object? value, JsonSocketIOParser parser)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case long n:
                writer.WriteNumberValue(n);
                break;
            case int n:
                writer.WriteNumberValue(n);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case double:
                writer.WriteNullValue(); // JSON.stringify(NaN) === "null"
                break;
            case JsonElement element:
                JsonRawWriter.Write(writer, element);
                break;
            case byte[] bytes:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "Buffer"u8);
                writer.WriteStartArray("data"u8);
                foreach (var x in bytes)
                {
                    writer.WriteNumberValue(x);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, item, parser);
                }

                writer.WriteEndObject();
                break;
            case IList list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(writer, item, parser);
                }

                writer.WriteEndArray();
                break;
            default:
                JsonSerializer.Serialize(writer, value, parser.GetTypeInfo(value.GetType()));
                break;
        }
    }

    /// <summary>Whether the tree holds binary data (as the reference's <c>hasBinary</c>).</summary>
    public static bool HasBinary(object? value)
    {
        switch (value)
        {
            case byte[]:
                return true;
            case IReadOnlyDictionary<string, object?> map:
                foreach (var (_, item) in map)
                {
                    if (HasBinary(item))
                    {
                        return true;
                    }
                }

                return false;
            case IList list when value is not string:
                foreach (var item in list)
                {
                    if (HasBinary(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    public static JsonSocketIOParser JsonParserOf(SocketIOParser parser) => parser as JsonSocketIOParser ?? JsonSocketIOParser.Default;

    // Any other object: encode it as the only argument of an event with the JSON parser, then read the JSON back,
    // replacing binary placeholders by their attachments. This keeps the application's JSON options and binary parts.
    private static object? ThroughParser(object value, JsonSocketIOParser parser)
    {
        var encoded = parser.EncodeEvent("/", "_", [value]);
        var payload = encoded.Payload.Span;
        var start = payload.IndexOf((byte)'[');
        using var document = JsonDocument.Parse(encoded.Payload[start..]);
        var element = document.RootElement[1];
        if (encoded.Attachments.Length == 0)
        {
            return element.Clone();
        }

        return WithAttachments(element, encoded.Attachments);
    }

    private static object? WithAttachments(JsonElement element, ReadOnlyMemory<byte>[] attachments)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("_placeholder"u8, out var flag) && flag.ValueKind == JsonValueKind.True &&
                    element.TryGetProperty("num"u8, out var num) && num.TryGetInt32(out var index) && (uint)index < (uint)attachments.Length)
                {
                    return attachments[index].ToArray();
                }

                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    map[property.Name] = WithAttachments(property.Value, attachments);
                }

                return map;
            case JsonValueKind.Array:
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(WithAttachments(item, attachments));
                }

                return list;
            default:
                return FromJson(element);
        }
    }

    // ---- Reading trees -------------------------------------------------------------------------------------------

    public static Dictionary<string, object?>? AsMap(object? value) => value as Dictionary<string, object?>;

    public static List<object?>? AsList(object? value) => value as List<object?>;

    public static object? Get(this Dictionary<string, object?> map, string key) => map.TryGetValue(key, out var value) ? value : null;

    public static string? GetString(this Dictionary<string, object?> map, string key) => map.Get(key) as string;

    public static long? GetInt64(this Dictionary<string, object?> map, string key) => map.Get(key) switch
    {
        long n => n,
        double d when Math.Floor(d) == d => (long)d,
        string s when long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    public static bool IsTruthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long n => n != 0,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        _ => true,
    };

    /// <summary>The strings of a list (rooms), skipping anything else; numbers are given as text as JS would key them.</summary>
    public static string[] GetStrings(this Dictionary<string, object?> map, string key)
    {
        if (map.Get(key) is not List<object?> list)
        {
            return [];
        }

        var result = new List<string>(list.Count);
        foreach (var item in list)
        {
            switch (item)
            {
                case string s:
                    result.Add(s);
                    break;
                case long n:
                    result.Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        return [.. result];
    }
}
