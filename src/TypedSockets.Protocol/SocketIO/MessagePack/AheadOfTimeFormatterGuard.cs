using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>
/// The last resolver of the msgpack parser. With dynamic code (JIT) it only forwards to the app's resolver. Without it
/// (Native AOT), MessagePack-CSharp 2.5's contractless and dynamic object resolvers cannot build a formatter (they emit
/// code at run time): a type they would have handled then fails with a message naming it and the ahead-of-time path,
/// instead of an error from inside Reflection.Emit.
/// </summary>
internal sealed class AheadOfTimeFormatterGuard(IFormatterResolver inner, bool isDynamicCodeSupported) : IFormatterResolver
{
    public AheadOfTimeFormatterGuard(IFormatterResolver inner)
        : this(inner, RuntimeFeature.IsDynamicCodeSupported)
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>()
    {
        if (isDynamicCodeSupported)
        {
            return inner.GetFormatter<T>();
        }

        IMessagePackFormatter<T>? formatter;
        try
        {
            formatter = inner.GetFormatter<T>();
        }
        catch (Exception e) when (e is not MessagePackSerializationException)
        {
            throw NoFormatter(typeof(T), e);
        }

        return formatter ?? throw NoFormatter(typeof(T), null);
    }

    private static NotSupportedException NoFormatter(Type type, Exception? inner) => new(
        $"No MessagePack formatter for '{JsonMetadata.CSharpName(type)}' without dynamic code (Native AOT): MessagePack-CSharp's contractless and " +
        "dynamic resolvers generate formatters at run time. Generate them ahead of time with mpc (the MessagePack.Generator tool) for your " +
        "[MessagePackObject] types and give the parser their resolver: new MessagePackSocketIOParser(MessagePackSerializerOptions.Standard" +
        ".WithResolver(CompositeResolver.Create(GeneratedResolver.Instance, StandardResolver.Instance)).WithSecurity(MessagePackSecurity.UntrustedData)).",
        inner);
}
