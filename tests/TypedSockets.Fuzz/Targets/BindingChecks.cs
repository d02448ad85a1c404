using System.Text.Json;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Fuzz.Targets;

/// <summary>A DTO as applications bind them: nested objects, lists, nullable members, an enum, binary data.</summary>
public sealed record FuzzMessage(string Text, int Count, double? Score, DateTimeOffset? At, FuzzKind Kind, List<FuzzMessage>? Replies, Dictionary<string, string>? Tags, byte[]? Blob);

/// <summary>An enum member of <see cref="FuzzMessage"/>.</summary>
public enum FuzzKind
{
    /// <summary>The first kind.</summary>
    Plain,

    /// <summary>The second kind.</summary>
    Rich,
}

/// <summary>A positional record (constructor binding).</summary>
public sealed record FuzzPoint(int X, int Y);

/// <summary>
/// The binding layer after a decode: every argument read as a set of types. Contract: a value or
/// <see cref="SocketIOBindingException"/>; the raw and the probing APIs (<c>GetRaw</c>, <c>IsNull</c>, <c>TryGetString</c>,
/// <c>TryGetStringProperty</c>, <c>TryGetError</c>, <c>ToRawArray</c>) never throw for an argument that exists.
/// </summary>
internal static class BindingChecks
{
    private const int MaxArgumentsChecked = 4;

    public static void Run(SocketIOArguments args)
    {
        _ = args.ToRawArray();
        var count = Math.Min(args.Count, MaxArgumentsChecked);
        for (var i = 0; i < count; i++)
        {
            _ = args.GetRaw(i);
            _ = args.IsNull(i);
            _ = args.TryGetString(i, out _);
            _ = args.TryGetStringProperty(i, "pid", out _);
            _ = args.TryGetError(i, out _, out _);
            Bind<string>(args, i);
            Bind<int>(args, i);
            Bind<long?>(args, i);
            Bind<double>(args, i);
            Bind<decimal>(args, i);
            Bind<bool>(args, i);
            Bind<Guid>(args, i);
            Bind<DateTime>(args, i);
            Bind<object>(args, i);
            Bind<JsonElement>(args, i);
            Bind<byte[]>(args, i);
            Bind<ReadOnlyMemory<byte>>(args, i);
            Bind<List<string>>(args, i);
            Bind<int[]>(args, i);
            Bind<Dictionary<string, object>>(args, i);
            Bind<FuzzMessage>(args, i);
            Bind<FuzzPoint>(args, i);
            Bind<FuzzKind>(args, i);
            try
            {
                _ = args.Get(i, typeof(FuzzMessage));
            }
            catch (SocketIOBindingException)
            {
            }
        }
    }

    private static void Bind<T>(SocketIOArguments args, int index)
    {
        try
        {
            _ = args.Get<T>(index);
        }
        catch (SocketIOBindingException)
        {
        }
    }
}
