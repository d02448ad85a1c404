using Microsoft.Extensions.Logging;

namespace TypedSockets.Redis;

internal static partial class RedisAdapterLog
{
    [LoggerMessage(5001, LogLevel.Information, "Redis adapter {Uid} for namespace {Namespace} started ({Kind}).")]
    public static partial void Started(ILogger logger, string uid, string @namespace, string kind);

    [LoggerMessage(5002, LogLevel.Warning, "Redis is unreachable: {Count} message(s) for the cluster dropped since the last report ({Reason}); local delivery goes on.")]
    public static partial void MessagesDropped(ILogger logger, long count, string reason, Exception? error);

    [LoggerMessage(5003, LogLevel.Debug, "Ignoring a malformed message on {Channel}.")]
    public static partial void MalformedMessage(ILogger logger, string channel, Exception error);

    [LoggerMessage(5004, LogLevel.Error, "Handling a cluster message of type {Type} in namespace {Namespace} failed.")]
    public static partial void MessageFailed(ILogger logger, long type, string @namespace, Exception error);

    [LoggerMessage(5005, LogLevel.Warning, "Redis connection failed ({FailureType}) on {EndPoint}; the adapter reconnects on its own.")]
    public static partial void ConnectionFailed(ILogger logger, string failureType, string endPoint, Exception? error);

    [LoggerMessage(5006, LogLevel.Information, "Redis connection restored on {EndPoint}.")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(5007, LogLevel.Warning, "Reading the stream {Stream} failed; retrying.")]
    public static partial void StreamReadFailed(ILogger logger, string stream, Exception error);

    [LoggerMessage(5008, LogLevel.Warning, "Restoring session {Pid} from Redis failed.")]
    public static partial void RestoreFailed(ILogger logger, string pid, Exception error);

    [LoggerMessage(5009, LogLevel.Warning, "Persisting session {Pid} to Redis failed; it cannot be recovered.")]
    public static partial void PersistFailed(ILogger logger, string pid, Exception error);

    [LoggerMessage(5010, LogLevel.Error, "Subscribing to the cluster channels of namespace {Namespace} failed; retrying.")]
    public static partial void SubscribeFailed(ILogger logger, string @namespace, Exception error);
}
