namespace TypedSockets;

/// <summary>
/// The peer answered an invocation, or ended a stream, with an error: on the wire an object
/// <c>{"error":{"message":"...","code":"..."}}</c>. Throw it from a handler or a stream producer to send a message
/// and code of your choosing; any other exception is sent with a generic message.
/// </summary>
public class SocketInvocationException : Exception
{
    /// <summary>Creates the exception with the message and code sent (or received) on the wire.</summary>
    /// <param name="message">A message safe to show the peer.</param>
    /// <param name="code">A machine-readable code, or null.</param>
    public SocketInvocationException(string message, string? code)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The machine-readable code of the error, when it has one.</summary>
    public string? Code { get; }
}
