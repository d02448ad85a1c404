namespace TypedSockets;

/// <summary>
/// An error answer to an acknowledged event, or the end of a stream with an error: thrown by a handler, a hub filter or a
/// stream producer to refuse with a message meant for the caller, and thrown to the caller when the peer answered with
/// an error. On the wire the acknowledgement is one
/// argument, <c>{"error":{"message":"...","code":"...","data":...}}</c> (<c>code</c> and <c>data</c> omitted when null).
/// </summary>
/// <remarks>
/// Like SignalR's <c>HubException</c>: the message, code and data of a <see cref="SocketInvocationException"/> thrown by a
/// handler reach the caller as they are, so they must not hold secrets; any other exception is answered with a generic
/// message (code <see cref="InternalErrorCode"/>) unless the server enables detailed errors.
/// </remarks>
public class SocketInvocationException : Exception
{
    /// <summary>The code of an answer to a handler that failed with an exception other than <see cref="SocketInvocationException"/>.</summary>
    public const string InternalErrorCode = "internal_error";

    /// <summary>The code of an answer to an event whose arguments did not bind to the handler's parameters (the handler did not run).</summary>
    public const string InvalidArgumentsCode = "invalid_arguments";

    /// <summary>The code of an answer to an event the server dropped because the client went over a rate limit (the handler did not run).</summary>
    public const string RateLimitedCode = "rate_limited";

    /// <summary>An error answer with <paramref name="message"/>, and optionally a machine-readable <paramref name="code"/> and <paramref name="errorData"/>.</summary>
    /// <param name="message">What the caller reads as <c>error.message</c>.</param>
    /// <param name="code">What the caller reads as <c>error.code</c> (omitted when null), for example <c>"room_full"</c>.</param>
    /// <param name="errorData">Serialized by the parser as <c>error.data</c> (omitted when null).</param>
    /// <param name="innerException">The cause, for logs; never sent.</param>
    public SocketInvocationException(string message, string? code = null, object? errorData = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        ErrorData = errorData;
    }

    /// <summary>The error's code (<c>error.code</c> on the wire), null when none.</summary>
    public string? Code { get; }

    /// <summary>
    /// The error's data (<c>error.data</c> on the wire), null when none. When received, the parser's raw form of the value
    /// (a <c>JsonElement</c> with the JSON parser, a <c>MessagePackRawValue</c> with MessagePack), which re-emits unchanged.
    /// </summary>
    public object? ErrorData { get; }
}
