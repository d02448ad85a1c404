using System.Net;

namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>The outcome of opening a WebSocket: the open socket, or the HTTP status that refused it.</summary>
public sealed record WebSocketAttempt(RawWebSocket? Socket, HttpStatusCode StatusCode, string? Failure);
