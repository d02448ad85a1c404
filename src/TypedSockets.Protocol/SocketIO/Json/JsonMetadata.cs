using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// Where the JSON parser's serializer metadata comes from, and the one error a type without metadata gets. Every
/// (de)serialization of the library goes through a <see cref="JsonTypeInfo"/> from here, never through the reflection
/// overloads of <see cref="JsonSerializer"/>, so the code is trimming and Native AOT safe.
/// </summary>
internal static class JsonMetadata
{
    /// <summary>
    /// Whether reflection-based System.Text.Json is allowed: true in JIT apps, false when the app is trimmed or
    /// published with Native AOT (the SDK turns the feature switch off and the trimmer removes the guarded code).
    /// </summary>
#if NET9_0_OR_GREATER
    [FeatureSwitchDefinition("System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault")]
    [FeatureGuard(typeof(RequiresUnreferencedCodeAttribute))]
    [FeatureGuard(typeof(RequiresDynamicCodeAttribute))]
#endif
#pragma warning disable IL4000 // Not provable from the body: the switch above is the guard, and the SDK sets it to false whenever it trims.
    public static bool IsReflectionEnabled => JsonSerializer.IsReflectionEnabledByDefault;
#pragma warning restore IL4000

    /// <summary>
    /// The options a parser (JSON or msgpack) serializes with: a read-only copy of <paramref name="options"/> (the
    /// defaults of <see cref="JsonSocketIOParser.CreateSerializerOptions"/> when null) whose resolvers are the app's, then
    /// the library's own metadata (or reflection when the app names no resolver and allows it), with the binary
    /// converters first and <see cref="WireNames"/> applied to every type.
    /// </summary>
    public static JsonSerializerOptions CreateParserOptions(JsonSerializerOptions? options)
    {
        var copy = options is null ? JsonSocketIOParser.CreateSerializerOptions() : new JsonSerializerOptions(options);
        if (copy.TypeInfoResolverChain.Count == 0 && IsReflectionEnabled)
        {
            // Apps that name no resolver: everything by reflection.
            copy.TypeInfoResolverChain.Add(CreateReflectionResolver());
        }
        else
        {
            copy.TypeInfoResolverChain.Add(SocketIOJsonContext.Default);
        }

        copy.TypeInfoResolver = copy.TypeInfoResolver!.WithAddedModifier(WireNames.Apply);
        copy.Converters.Insert(0, new BinaryPlaceholderConverterFactory());
        copy.MakeReadOnly();
        return copy;
    }

    /// <summary>The metadata of <paramref name="type"/>, or the exception that tells the app how to provide it.</summary>
    /// <exception cref="SocketIOJsonMetadataException">No resolver of the options knows <paramref name="type"/>.</exception>
    public static JsonTypeInfo Get(JsonSerializerOptions options, Type type)
    {
        if (options.TryGetTypeInfo(type, out var info))
        {
            return info;
        }

        throw new SocketIOJsonMetadataException(type);
    }

    /// <summary>
    /// The metadata of <typeparamref name="T"/> (see <see cref="Get(JsonSerializerOptions, Type)"/>), remembered for the
    /// last options asked: one parser per app in practice, so the typed paths skip the options' lookup.
    /// </summary>
    public static JsonTypeInfo<T> Get<T>(JsonSerializerOptions options) => TypeInfoCache<T>.Get(options);

    /// <summary>The reflection resolver: only called under <see cref="IsReflectionEnabled"/>.</summary>
#if NET
    [RequiresUnreferencedCode("Reflection-based serialization; the caller checks IsReflectionEnabled.")]
    [RequiresDynamicCode("Reflection-based serialization; the caller checks IsReflectionEnabled.")]
#endif
    public static IJsonTypeInfoResolver CreateReflectionResolver() => new DefaultJsonTypeInfoResolver();

    /// <summary>A type as C# writes it: <c>Chat.Message</c>, <c>System.Collections.Generic.List&lt;Chat.Message&gt;</c>.</summary>
    internal static string CSharpName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return CSharpName(underlying) + "?";
        }

        if (type.IsArray)
        {
            return CSharpName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        var name = (type.FullName ?? type.Name).Replace('+', '.');
        if (!type.IsGenericType)
        {
            return name;
        }

        var tick = name.IndexOf('`', StringComparison.Ordinal);
        var builder = new StringBuilder(tick < 0 ? name : name[..tick]).Append('<');
        var arguments = type.GetGenericArguments();
        for (var i = 0; i < arguments.Length; i++)
        {
            builder.Append(i == 0 ? string.Empty : ", ").Append(CSharpName(arguments[i]));
        }

        return builder.Append('>').ToString();
    }

    private static class TypeInfoCache<T>
    {
        private static Entry? s_entry;

        public static JsonTypeInfo<T> Get(JsonSerializerOptions options)
        {
            var entry = Volatile.Read(ref s_entry);
            if (entry is not null && ReferenceEquals(entry.Options, options))
            {
                return entry.Info;
            }

            var info = (JsonTypeInfo<T>)JsonMetadata.Get(options, typeof(T));
            Volatile.Write(ref s_entry, new Entry(options, info));
            return info;
        }

        private sealed record Entry(JsonSerializerOptions Options, JsonTypeInfo<T> Info);
    }
}
