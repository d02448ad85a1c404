using Microsoft.Extensions.Logging;

namespace TypedSockets.Server.EngineIO;

/// <summary>Engine.IO log messages. Event ids are stable: add new ones at the end, never renumber.</summary>
internal static partial class EngineIOLog
{
    [LoggerMessage(EventId = 1, EventName = "SessionOpened", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} opened on {Transport}.")]
    public static partial void SessionOpened(ILogger logger, string sessionId, string transport);

    [LoggerMessage(EventId = 2, EventName = "SessionClosed", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} closed: {Reason}.")]
    public static partial void SessionClosed(ILogger logger, string sessionId, string reason, Exception? exception);

    [LoggerMessage(EventId = 3, EventName = "RequestRejected", Level = LogLevel.Debug,
        Message = "Engine.IO request {Method} {Path}{Query} rejected with code {Code}: {ErrorMessage}.")]
    public static partial void RequestRejected(ILogger logger, string method, string path, string query, int code, string errorMessage);

    [LoggerMessage(EventId = 4, EventName = "UpgradeProbe", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} received the upgrade probe.")]
    public static partial void UpgradeProbe(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 5, EventName = "UpgradeCompleted", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} upgraded to websocket.")]
    public static partial void UpgradeCompleted(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 6, EventName = "UpgradeFailed", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} did not upgrade: {Reason}.")]
    public static partial void UpgradeFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 7, EventName = "PollOverlap", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} received overlapping GET requests.")]
    public static partial void PollOverlap(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 8, EventName = "PostOverlap", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} received overlapping POST requests.")]
    public static partial void PostOverlap(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 9, EventName = "PayloadTooLarge", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} received a payload over {MaxHttpBufferSize} bytes.")]
    public static partial void PayloadTooLarge(ILogger logger, string sessionId, long maxHttpBufferSize);

    [LoggerMessage(EventId = 10, EventName = "ParseError", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} received a malformed packet.")]
    public static partial void ParseError(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 11, EventName = "HandlerFailed", Level = LogLevel.Error,
        Message = "The Engine.IO connection handler failed for session {SessionId}.")]
    public static partial void HandlerFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 12, EventName = "OutboundQueueFull", Level = LogLevel.Warning,
        Message = "Engine.IO session {SessionId} has more than {MaxBufferedMessages} messages waiting: closing it.")]
    public static partial void OutboundQueueFull(ILogger logger, string sessionId, int maxBufferedMessages);

    [LoggerMessage(EventId = 13, EventName = "TransportFailed", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId}: the transport failed.")]
    public static partial void TransportFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 14, EventName = "PingTimeout", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} did not answer the ping in time.")]
    public static partial void PingTimeout(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 15, EventName = "InvalidContentType", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} received a POST with content type {ContentType}.")]
    public static partial void InvalidContentType(ILogger logger, string sessionId, string? contentType);

    [LoggerMessage(EventId = 16, EventName = "ShuttingDown", Level = LogLevel.Information,
        Message = "Engine.IO server shutting down: closing {Count} sessions.")]
    public static partial void ShuttingDown(ILogger logger, int count);

    [LoggerMessage(EventId = 17, EventName = "InvalidHeartbeatDirection", Level = LogLevel.Debug,
        Message = "Engine.IO session {SessionId} received a ping from the client (invalid heartbeat direction).")]
    public static partial void InvalidHeartbeatDirection(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 18, EventName = "ScopeDisposeFailed", Level = LogLevel.Warning,
        Message = "Disposing the service scope of Engine.IO session {SessionId} failed.")]
    public static partial void ScopeDisposeFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 40, EventName = "OutboundBytesExceeded", Level = LogLevel.Warning,
        Message = "Engine.IO session {SessionId} has more than {MaxBufferedBytes} bytes waiting (the client does not read): closing it.")]
    public static partial void OutboundBytesExceeded(ILogger logger, string sessionId, long maxBufferedBytes);

    [LoggerMessage(EventId = 41, EventName = "OriginRefused", Level = LogLevel.Information,
        Message = "Engine.IO request to {Path} refused: origin {Origin} is not allowed (AllowedOrigins or the endpoint's CORS policy).")]
    public static partial void OriginRefused(ILogger logger, string origin, string path);

    [LoggerMessage(EventId = 60, EventName = "ConnectionsPerIpExceeded", Level = LogLevel.Warning,
        Message = "Engine.IO handshake from {RemoteIp} refused: it has {MaxConnectionsPerIp} sessions open (MaxConnectionsPerIp); logged once until one of them closes.")]
    public static partial void ConnectionsPerIpExceeded(ILogger logger, string remoteIp, int maxConnectionsPerIp);

    [LoggerMessage(EventId = 61, EventName = "HandshakeRateLimited", Level = LogLevel.Warning,
        Message = "Engine.IO handshakes refused by the HandshakeLimiter: {Count} since the last report (logged at most once a second), the last from {RemoteIp}.")]
    public static partial void HandshakeRateLimited(ILogger logger, long count, string remoteIp);
}
