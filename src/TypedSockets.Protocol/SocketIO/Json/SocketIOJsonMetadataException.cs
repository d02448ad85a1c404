using System.Text.Json;

namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// The JSON parser has no serializer metadata for a type: the app runs without reflection-based System.Text.Json
/// (Native AOT, trimming) or gave the parser its own resolvers, and none of them knows the type. A configuration error,
/// not a bad payload: the message names the type and the line to add.
/// </summary>
public sealed class SocketIOJsonMetadataException : InvalidOperationException
{
    /// <summary>An error for <paramref name="type"/>.</summary>
    public SocketIOJsonMetadataException(Type type)
        : base(FormatMessage(type))
    {
        Type = type;
    }

    /// <summary>The type without metadata.</summary>
    public Type Type { get; }

    private static string FormatMessage(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var name = JsonMetadata.CSharpName(type);
        var reflection = JsonSerializer.IsReflectionEnabledByDefault ? string.Empty : " Reflection-based serialization is off in this app (Native AOT or trimming).";
        return $"No JSON metadata for '{name}'.{reflection} Add [JsonSerializable(typeof({name}))] to your JsonSerializerContext and register " +
            "the context with the JSON parser's options: on the server AddTypedSockets(o => o.JsonSerializerOptions.TypeInfoResolverChain.Add(AppJsonContext.Default)), " +
            "on the client new SocketIOClientOptions { Parser = new JsonSocketIOParser(AppJsonContext.Default) }.";
    }
}
