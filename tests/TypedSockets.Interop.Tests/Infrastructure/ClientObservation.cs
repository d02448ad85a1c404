using System.Text.Json;

namespace TypedSockets.Interop.Tests.Infrastructure;

/// <summary>One line the Node driver printed: <c>{"type":..., "client":..., ...}</c>.</summary>
internal sealed class ClientObservation
{
    public ClientObservation(int index, string line, JsonElement json)
    {
        Index = index;
        Line = line;
        Json = json;
    }

    /// <summary>Position in the driver's output (0 = first line).</summary>
    public int Index { get; }

    public string Line { get; }

    public JsonElement Json { get; }

    public string Type => String("type") ?? string.Empty;

    /// <summary>The socket the observation is about ("c0", "main", "admin"...).</summary>
    public string? Client => String("client");

    /// <summary>The event name of an "event" observation.</summary>
    public string? Event => String("event");

    /// <summary>The "args" array (event arguments, ack reply).</summary>
    public JsonElement Args => Json.GetProperty("args");

    public JsonElement Arg(int index) => Args[index];

    public string? String(string property) =>
        Json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool Is(string type, string? client = null, string? eventName = null) =>
        Type == type && (client is null || Client == client) && (eventName is null || Event == eventName);

    public override string ToString() => Line;
}

/// <summary>Reads the driver's encoding of binary values: <c>{"$bin":"base64","$type":"Buffer"}</c>.</summary>
internal static class NodeJson
{
    public static bool IsBinary(this JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("$bin", out _);

    public static byte[] GetBinary(this JsonElement value)
    {
        Assert.True(value.IsBinary(), $"Expected a binary value from Node, got {value.GetRawText()}");
        return value.GetProperty("$bin").GetBytesFromBase64();
    }

    /// <summary>The JavaScript type the value had in Node ("Buffer", "ArrayBuffer"...).</summary>
    public static string? GetBinaryType(this JsonElement value) =>
        value.TryGetProperty("$type", out var type) ? type.GetString() : null;

    /// <summary>A command argument that the driver turns into a Node Buffer.</summary>
    public static object Buffer(byte[] bytes) => new Dictionary<string, string> { ["$bin"] = Convert.ToBase64String(bytes) };
}
