using System.Text;

namespace TypedSockets.Client.Engine;

/// <summary>Builds the Engine.IO request URIs of one server: <c>{origin}{path}/?EIO=4&amp;transport=..[&amp;sid=..][&amp;query]</c>.</summary>
internal sealed class EngineUri
{
    private readonly string _httpBase;
    private readonly string _wsBase;
    private readonly string _query;

    public EngineUri(Uri server, string path, IDictionary<string, string> query)
    {
        var secure = server.Scheme is "https" or "wss";
        var authority = server.IsDefaultPort ? server.Host : $"{server.Host}:{server.Port}";
        if (server.HostNameType == UriHostNameType.IPv6)
        {
            authority = server.IsDefaultPort ? $"[{server.DnsSafeHost}]" : $"[{server.DnsSafeHost}]:{server.Port}";
        }

        var normalizedPath = "/" + path.Trim('/') + "/";
        _httpBase = $"{(secure ? "https" : "http")}://{authority}{normalizedPath}?EIO=4&transport=";
        _wsBase = $"{(secure ? "wss" : "ws")}://{authority}{normalizedPath}?EIO=4&transport=";
        var builder = new StringBuilder();
        foreach (var (key, value) in query)
        {
            builder.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        _query = builder.ToString();
    }

    public Uri Polling(string? sid) => new(_httpBase + "polling" + (sid is null ? string.Empty : "&sid=" + Uri.EscapeDataString(sid)) + _query);

    public Uri WebSocket(string? sid) => new(_wsBase + "websocket" + (sid is null ? string.Empty : "&sid=" + Uri.EscapeDataString(sid)) + _query);
}
