namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// The error answer to an acknowledged event, as TypedSockets servers and clients send and recognise it: the
/// acknowledgement's only argument is <c>{"error":{"message":"...","code":"...","data":...}}</c> (<c>code</c> and
/// <c>data</c> omitted when null). A JavaScript peer reads it as the first argument of its ack callback
/// (<c>const res = await socket.emitWithAck(...); if (res?.error) ...</c>) and answers one the same way.
/// </summary>
public static class SocketIOErrorAnswer
{
    /// <summary>The acknowledgement arguments that carry <paramref name="error"/>'s message, code and data.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is null.</exception>
    public static object?[] ToArguments(SocketInvocationException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ToArguments(error.Message, error.Code, error.ErrorData);
    }

    /// <summary>The acknowledgement arguments of an error answer with <paramref name="message"/>, <paramref name="code"/> and <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    public static object?[] ToArguments(string message, string? code, object? data)
    {
        ArgumentNullException.ThrowIfNull(message);

        // Dictionary<string, object> is in the parsers' own metadata: no reflection, and keys keep their case.
        var body = new Dictionary<string, object?>(3, StringComparer.Ordinal) { ["message"] = message };
        if (code is not null)
        {
            body["code"] = code;
        }

        if (data is not null)
        {
            body["data"] = data;
        }

        return [new Dictionary<string, object?>(1, StringComparer.Ordinal) { ["error"] = body }];
    }
}
