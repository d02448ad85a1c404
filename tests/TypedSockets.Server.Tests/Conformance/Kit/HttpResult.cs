using System.Net;

namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>What one polling request got back.</summary>
public sealed record HttpResult(HttpStatusCode StatusCode, string Body, string? ContentType)
{
    public override string ToString() => $"{(int)StatusCode} [{ContentType}] {Body.Replace("\x1e", "\\x1e", StringComparison.Ordinal)}";
}
