using System.Diagnostics.CodeAnalysis;

namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// The arguments of an incoming packet, kept in the parser's own form until the application asks for a type.
/// Reading is thread safe; the values stay valid as long as the instance is referenced.
/// </summary>
public abstract class SocketIOArguments : TypedSockets.ISocketEventArguments
{
    /// <summary>How many arguments there are.</summary>
    public abstract int Count { get; }

    /// <summary>Deserializes argument <paramref name="index"/> as <typeparamref name="T"/>. Binary attachments bind to byte[] / ReadOnlyMemory&lt;byte&gt;.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such argument.</exception>
    /// <exception cref="SocketIOBindingException">The value cannot be read as <typeparamref name="T"/>.</exception>
    public abstract T? Get<T>(int index);

    /// <summary>Deserializes argument <paramref name="index"/> as <paramref name="type"/>.</summary>
    public abstract object? Get(int index, Type type);

    /// <summary>
    /// The argument in a form that re-emits unchanged: a binary attachment as byte[], anything else as the parser's
    /// natural dynamic value (a <c>JsonElement</c> with the JSON parser).
    /// </summary>
    public abstract object? GetRaw(int index);

    /// <summary>True when argument <paramref name="index"/> is null (or JS undefined).</summary>
    public abstract bool IsNull(int index);

    /// <summary>
    /// Reads a string property of an object argument without binding a type (used for the recovery fields of a
    /// CONNECT payload). False when the argument is not an object or the property is missing or not a string.
    /// </summary>
    public abstract bool TryGetStringProperty(int index, string name, out string? value);

    /// <summary>
    /// Reads argument <paramref name="index"/> as the error shape of invocations and streams,
    /// <c>{"error":{"message":"...","code":"..."}}</c>, without binding a type. False when the argument is missing or
    /// not that shape (<paramref name="code"/> is null when absent or not a string).
    /// </summary>
    public virtual bool TryGetError(int index, out string? message, out string? code)
    {
        message = null;
        code = null;
        try
        {
            if ((uint)index >= (uint)Count || !(GetRaw(index) is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } root)
                || !root.TryGetProperty("error", out var error) || error.ValueKind != System.Text.Json.JsonValueKind.Object
                || !error.TryGetProperty("message", out var text) || text.ValueKind != System.Text.Json.JsonValueKind.String)
            {
                return false;
            }

            message = text.GetString();
            code = error.TryGetProperty("code", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String ? c.GetString() : null;
            return true;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape (valid JSON, as JS writes it) has no .NET string: not the error shape.
            message = null;
            code = null;
            return false;
        }
    }

    /// <summary>
    /// True with the value when argument <paramref name="index"/> is a string (a client keeps the last string
    /// argument of an event as its connection state recovery offset). False when it is anything else or missing.
    /// </summary>
    public virtual bool TryGetString(int index, out string? value)
    {
        value = null;
        if ((uint)index >= (uint)Count)
        {
            return false;
        }

        try
        {
            value = Get<string>(index);
            return value is not null;
        }
        catch (SocketIOBindingException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when these arguments are an error answer (see <see cref="SocketIOErrorAnswer"/>): exactly one argument, an object
    /// whose only property is <c>error</c>, itself an object with a string <c>message</c> (and optionally a string
    /// <c>code</c> and any <c>data</c>). The error's data is in the parser's raw form (see <see cref="GetRaw"/>).
    /// </summary>
    public virtual bool TryGetError([NotNullWhen(true)] out SocketInvocationException? error)
    {
        error = null;
        return false;
    }

    /// <summary>All arguments in their re-emittable raw form (see <see cref="GetRaw"/>).</summary>
    public object?[] ToRawArray()
    {
        var count = Count;
        if (count == 0)
        {
            return [];
        }

        var result = new object?[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = GetRaw(i);
        }

        return result;
    }

    /// <summary>An empty argument list.</summary>
    public static SocketIOArguments Empty { get; } = new EmptyArguments();

    /// <summary>The exception thrown for an argument <paramref name="index"/> outside the <paramref name="count"/> arguments of a packet.</summary>
    protected static ArgumentOutOfRangeException NoSuchArgument(int index, int count) =>
        new(nameof(index), index, $"Argument {index} does not exist: the packet has {count} argument(s).");

    private sealed class EmptyArguments : SocketIOArguments
    {
        public override int Count => 0;

        public override T? Get<T>(int index) where T : default => throw NoSuchArgument(index, 0);

        public override object? Get(int index, Type type) => throw NoSuchArgument(index, 0);

        public override object? GetRaw(int index) => throw NoSuchArgument(index, 0);

        public override bool IsNull(int index) => throw NoSuchArgument(index, 0);

        public override bool TryGetStringProperty(int index, string name, out string? value)
        {
            value = null;
            return false;
        }
    }
}

/// <summary>An argument could not be read as the requested type.</summary>
public sealed class SocketIOBindingException : Exception
{
    /// <summary>A binding failure described by <paramref name="message"/>, caused by <paramref name="inner"/> (the serializer's exception) when given.</summary>
    public SocketIOBindingException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
