namespace TypedSockets.Interop.Tests.Infrastructure;

/// <summary>The client's <c>transports</c> option, as passed to node/client.mjs.</summary>
internal static class ClientTransport
{
    /// <summary><c>transports: ["polling"]</c>: HTTP long-polling only.</summary>
    public const string Polling = "polling";

    /// <summary><c>transports: ["websocket"]</c>: WebSocket from the first request.</summary>
    public const string WebSocket = "websocket";

    /// <summary>The client's defaults: polling first, then the upgrade to WebSocket.</summary>
    public const string Default = "default";

    /// <summary>Theory data: every transport setting.</summary>
    public static TheoryData<string> All => [Polling, WebSocket, Default];
}
