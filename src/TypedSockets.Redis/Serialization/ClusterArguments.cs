using System.Text.Json;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Redis.Serialization;

/// <summary>
/// Arguments that came from another node (an ack reply, a server-side event): JS value trees bound to CLR types through
/// the server's JSON options. Binary values read as byte[] (or any type the JSON parser binds binary to).
/// </summary>
internal sealed class ClusterArguments : SocketIOArguments
{
    private readonly IReadOnlyList<object?> _values;
    private readonly JsonSocketIOParser _parser;

    public ClusterArguments(IReadOnlyList<object?> values, JsonSocketIOParser parser)
    {
        _values = values;
        _parser = parser;
    }

    public override int Count => _values.Count;

    public override T? Get<T>(int index) where T : default => (T?)Get(index, typeof(T));

    public override object? Get(int index, Type type)
    {
        var value = GetRaw(index);
        if (value is not null && type.IsInstanceOfType(value))
        {
            return value;
        }

        // Outside the try: missing metadata is the app's configuration error, not a bad argument.
        var valueInfo = value is null or JsonElement ? null : _parser.GetTypeInfo(value.GetType());
        var targetInfo = type == typeof(JsonElement) ? null : _parser.GetTypeInfo(type);
        try
        {
            // Through JSON with the server's options, as if the value had come from a client (byte[] travels as base64).
            var element = value switch
            {
                JsonElement e => e,
                null => JsonSerializer.SerializeToElement(null, _parser.GetTypeInfo(typeof(object))),
                _ => JsonSerializer.SerializeToElement(value, valueInfo!),
            };
            return targetInfo is null ? element : element.Deserialize(targetInfo);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new SocketIOBindingException($"Argument {index} cannot be read as {type}: {e.Message}", e);
        }
    }

    public override object? GetRaw(int index)
    {
        if ((uint)index >= (uint)_values.Count)
        {
            throw NoSuchArgument(index, _values.Count);
        }

        return _values[index];
    }

    public override bool IsNull(int index) => GetRaw(index) is null || (GetRaw(index) is JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined });

    public override bool TryGetStringProperty(int index, string name, out string? value)
    {
        value = null;
        if ((uint)index >= (uint)_values.Count)
        {
            return false;
        }

        switch (_values[index])
        {
            case Dictionary<string, object?> map when map.TryGetValue(name, out var v) && v is string s:
                value = s;
                return true;
            case JsonElement { ValueKind: JsonValueKind.Object } element when element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String:
                value = p.GetString();
                return true;
            default:
                return false;
        }
    }

    public override string ToString() => $"{_values.Count} argument(s) from another node";
}
