using Microsoft.Extensions.Logging;

namespace TypedSockets.Client;

internal static partial class SocketIOClientLog
{
    [LoggerMessage(1, LogLevel.Debug, "Engine.IO session {Sid} open on {Transport}.")]
    public static partial void EngineOpened(ILogger logger, string sid, string transport);

    [LoggerMessage(2, LogLevel.Debug, "Engine.IO session {Sid} closed: {Reason}.")]
    public static partial void EngineClosed(ILogger logger, string sid, string reason, Exception? error);

    [LoggerMessage(3, LogLevel.Debug, "Engine.IO session {Sid} upgraded to WebSocket.")]
    public static partial void Upgraded(ILogger logger, string sid);

    [LoggerMessage(4, LogLevel.Debug, "Engine.IO session {Sid} stays on polling: the WebSocket probe failed.")]
    public static partial void UpgradeFailed(ILogger logger, string sid, Exception error);

    [LoggerMessage(5, LogLevel.Information, "Reconnection attempt {Attempt} in {Delay} ms.")]
    public static partial void ReconnectScheduled(ILogger logger, int attempt, double delay);

    [LoggerMessage(6, LogLevel.Warning, "Reconnection attempt {Attempt} failed.")]
    public static partial void ReconnectAttemptFailed(ILogger logger, int attempt, Exception error);

    [LoggerMessage(7, LogLevel.Warning, "Reconnection gave up after {Attempts} attempt(s).")]
    public static partial void ReconnectGaveUp(ILogger logger, int attempts);

    [LoggerMessage(8, LogLevel.Warning, "The server sent a malformed packet; closing the connection.")]
    public static partial void MalformedPacket(ILogger logger, Exception error);

    [LoggerMessage(9, LogLevel.Error, "A handler of '{EventName}' on namespace {Namespace} threw.")]
    public static partial void HandlerFailed(ILogger logger, string eventName, string @namespace, Exception error);

    [LoggerMessage(10, LogLevel.Warning, "Could not open the connection.")]
    public static partial void OpenFailed(ILogger logger, Exception error);

    [LoggerMessage(11, LogLevel.Debug, "Namespace {Namespace} connected as {Id} (recovered: {Recovered}).")]
    public static partial void NamespaceConnected(ILogger logger, string @namespace, string? id, bool recovered);

    [LoggerMessage(12, LogLevel.Debug, "Namespace {Namespace} disconnected: {Reason}.")]
    public static partial void NamespaceDisconnected(ILogger logger, string @namespace, string reason);
}
