using Microsoft.Extensions.Logging;

namespace TypedSockets.Server;

internal static partial class SocketIOLog
{
    [LoggerMessage(2001, LogLevel.Debug, "Socket {SocketId} connected to namespace {Namespace} on connection {ConnectionId}.")]
    public static partial void SocketConnected(ILogger logger, string socketId, string @namespace, string connectionId);

    [LoggerMessage(2002, LogLevel.Debug, "Socket {SocketId} disconnected from namespace {Namespace}: {Reason}.")]
    public static partial void SocketDisconnected(ILogger logger, string socketId, string @namespace, string reason);

    [LoggerMessage(2003, LogLevel.Information, "Connection {ConnectionId} sent an invalid packet and is closed: {Error}.")]
    public static partial void InvalidPacket(ILogger logger, string connectionId, string error);

    [LoggerMessage(2004, LogLevel.Information, "Connection {ConnectionId} sent a {PacketType} packet for namespace {Namespace} in an invalid state (namespace not joined, or a packet only servers send); closing it.")]
    public static partial void PacketForUnknownNamespace(ILogger logger, string connectionId, string packetType, string @namespace);

    [LoggerMessage(2005, LogLevel.Information, "Connection {ConnectionId} asked to join namespace {Namespace} twice; closing it.")]
    public static partial void DuplicateConnect(ILogger logger, string connectionId, string @namespace);

    [LoggerMessage(2006, LogLevel.Debug, "Connection {ConnectionId} asked for unknown namespace {Namespace}.")]
    public static partial void InvalidNamespace(ILogger logger, string connectionId, string @namespace);

    [LoggerMessage(2007, LogLevel.Debug, "Connection refused by a middleware of namespace {Namespace}: {Message}.")]
    public static partial void ConnectRefused(ILogger logger, string @namespace, string message);

    [LoggerMessage(2008, LogLevel.Error, "A middleware failed for socket {SocketId}.")]
    public static partial void MiddlewareFailed(ILogger logger, string socketId, Exception error);

    [LoggerMessage(2009, LogLevel.Error, "The '{EventName}' handler of socket {SocketId} failed.")]
    public static partial void HandlerFailed(ILogger logger, string eventName, string socketId, Exception error);

    [LoggerMessage(2010, LogLevel.Debug, "No handler for event '{EventName}' in namespace {Namespace} (socket {SocketId}).")]
    public static partial void NoHandler(ILogger logger, string eventName, string @namespace, string socketId);

    [LoggerMessage(2011, LogLevel.Debug, "Socket {SocketId} acknowledged unknown or expired ack id {AckId}.")]
    public static partial void UnknownAck(ILogger logger, string socketId, long ackId);

    [LoggerMessage(2012, LogLevel.Information, "Connection {ConnectionId} joined no namespace in time; closing it.")]
    public static partial void ConnectTimeout(ILogger logger, string connectionId);

    [LoggerMessage(2013, LogLevel.Error, "Connecting connection {ConnectionId} to namespace {Namespace} failed.")]
    public static partial void ConnectFailed(ILogger logger, string connectionId, string @namespace, Exception error);

    [LoggerMessage(2015, LogLevel.Error, "A broadcast in namespace {Namespace} failed.")]
    public static partial void BroadcastFailed(ILogger logger, string @namespace, Exception error);

    [LoggerMessage(2016, LogLevel.Warning, "Restoring a session in namespace {Namespace} failed; a new session starts.")]
    public static partial void RestoreSessionFailed(ILogger logger, string @namespace, Exception error);

    [LoggerMessage(2017, LogLevel.Error, "The server-side '{EventName}' handler of namespace {Namespace} failed.")]
    public static partial void ServerSideHandlerFailed(ILogger logger, string eventName, string @namespace, Exception error);

    [LoggerMessage(2030, LogLevel.Warning, "The arguments of event '{EventName}' from socket {SocketId} were refused: {Reason}")]
    public static partial void ArgumentsInvalid(ILogger logger, string eventName, string socketId, string reason, Exception error);

    [LoggerMessage(2031, LogLevel.Debug, "The '{EventName}' handler of socket {SocketId} refused the call ({Code}): {Reason}")]
    public static partial void InvocationRefused(ILogger logger, string eventName, string socketId, string? code, string reason);

    [LoggerMessage(2032, LogLevel.Error, "Sending the error answer to '{EventName}' of socket {SocketId} failed.")]
    public static partial void ErrorAnswerFailed(ILogger logger, string eventName, string socketId, Exception error);
    [LoggerMessage(2018, LogLevel.Error, "Sending server-side event '{EventName}' of namespace {Namespace} to the cluster failed.")]
    public static partial void ServerSideEmitFailed(ILogger logger, string eventName, string @namespace, Exception error);

    [LoggerMessage(2014, LogLevel.Error, "Initializing the adapter of namespace {Namespace} failed.")]
    public static partial void AdapterInitFailed(ILogger logger, string @namespace, Exception error);

    [LoggerMessage(2100, LogLevel.Debug, "Socket {SocketId} was refused namespace {Namespace} by the hub's authorization ({Message}): {Reason}")]
    public static partial void ConnectUnauthorized(ILogger logger, string @namespace, string socketId, string message, string reason);

    [LoggerMessage(2101, LogLevel.Information, "Event '{EventName}' of socket {SocketId} was refused by authorization ({Code}), the method did not run: {Reason}")]
    public static partial void EventUnauthorized(ILogger logger, string eventName, string socketId, string? code, string reason);

    [LoggerMessage(2102, LogLevel.Information, "The authentication of socket {SocketId} in namespace {Namespace} expired at {ExpiresUtc}: disconnected.")]
    public static partial void AuthenticationExpired(ILogger logger, string socketId, string @namespace, DateTimeOffset expiresUtc);

    [LoggerMessage(2103, LogLevel.Debug, "Connection {ConnectionId} was refused by the endpoint's authorization: its CONNECT to namespace {Namespace} is answered with CONNECT_ERROR \"{Message}\".")]
    public static partial void EndpointAuthorizationRefused(ILogger logger, string connectionId, string @namespace, string message);

    [LoggerMessage(2060, LogLevel.Warning, "Dynamic namespace {Namespace} has {MaxChildNamespaces} children (MaxChildNamespaces): CONNECTs to new children are refused with \"Invalid namespace\" (logged once).")]
    public static partial void ChildNamespaceLimitReached(ILogger logger, string @namespace, int maxChildNamespaces);

    [LoggerMessage(2061, LogLevel.Debug, "Child namespace {Namespace} is empty: removed (CleanupEmptyChildNamespaces).")]
    public static partial void ChildNamespaceRemoved(ILogger logger, string @namespace);

    [LoggerMessage(2062, LogLevel.Warning, "Disposing the adapter of the removed namespace {Namespace} failed.")]
    public static partial void AdapterDisposeFailed(ILogger logger, string @namespace, Exception error);

    [LoggerMessage(2063, LogLevel.Debug, "Connection {ConnectionId} has {MaxPendingHandlers} handlers running (MaxPendingHandlersPerConnection): reading from it pauses until one ends.")]
    public static partial void HandlerBackpressure(ILogger logger, string connectionId, int maxPendingHandlers);

    [LoggerMessage(2064, LogLevel.Error, "Running the queued packets of connection {ConnectionId} failed.")]
    public static partial void BacklogFailed(ILogger logger, string connectionId, Exception error);

    [LoggerMessage(2220, LogLevel.Information, "Serving the Socket.IO Admin UI page at {Path} from {Source}.")]
    public static partial void AdminUIServed(ILogger logger, string path, string source);

    [LoggerMessage(2110, LogLevel.Warning, "Socket {SocketId} in namespace {Namespace} went over rate limit policy {Policy} with event '{EventName}': its events are dropped until the limit allows more (logged once per burst).")]
    public static partial void RateLimited(ILogger logger, string socketId, string @namespace, string policy, string eventName);

    [LoggerMessage(2111, LogLevel.Warning, "Socket {SocketId} in namespace {Namespace} went over rate limit policy {Policy} with event '{EventName}': disconnected.")]
    public static partial void RateLimitDisconnect(ILogger logger, string socketId, string @namespace, string policy, string eventName);

    [LoggerMessage(2112, LogLevel.Error, "The limiter of rate limit policy {Policy} failed for socket {SocketId}; its events are let through (logged once per socket).")]
    public static partial void RateLimiterFailed(ILogger logger, string policy, string socketId, Exception error);
}
