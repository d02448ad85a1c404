using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MessagePack;

namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// A <see cref="JsonTypeInfo"/> modifier that keeps the names of types annotated for MessagePack-CSharp: a member with
/// <c>[Key("name")]</c> (and no <see cref="JsonPropertyNameAttribute"/>, which wins) travels as <c>name</c> under both
/// parsers. Integer keys are left alone: such types keep their array form only through the msgpack parser's
/// MessagePack-CSharp mapping.
/// </summary>
internal static class WireNames
{
    public static void Apply(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            var provider = property.AttributeProvider;
            if (provider is null || provider.IsDefined(typeof(JsonPropertyNameAttribute), inherit: true))
            {
                continue;
            }

            var keys = provider.GetCustomAttributes(typeof(KeyAttribute), inherit: true);
            if (keys.Length == 1 && keys[0] is KeyAttribute { StringKey: { Length: > 0 } name })
            {
                property.Name = name;
            }
        }
    }
}
