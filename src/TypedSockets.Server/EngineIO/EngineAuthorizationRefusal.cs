namespace TypedSockets.Server.EngineIO;

/// <summary>
/// A request feature set on a WebSocket handshake that the endpoint's authorization refused but let through so the
/// refusal can be told in the protocol (see <c>SocketIOAuthorizationResultHandler</c>); the session keeps it.
/// </summary>
internal sealed class EngineAuthorizationRefusal
{
    public static readonly EngineAuthorizationRefusal Unauthorized = new("Unauthorized", 401);

    public static readonly EngineAuthorizationRefusal Forbidden = new("Forbidden", 403);

    private EngineAuthorizationRefusal(string message, int statusCode)
    {
        Message = message;
        StatusCode = statusCode;
        Data = new Dictionary<string, object>(StringComparer.Ordinal) { ["code"] = statusCode };
    }

    /// <summary>"Unauthorized" or "Forbidden".</summary>
    public string Message { get; }

    /// <summary>401 or 403.</summary>
    public int StatusCode { get; }

    /// <summary>The CONNECT_ERROR data: <c>{"code":401}</c> or <c>{"code":403}</c>.</summary>
    public IReadOnlyDictionary<string, object> Data { get; }
}
