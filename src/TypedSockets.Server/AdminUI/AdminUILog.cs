using Microsoft.Extensions.Logging;

namespace TypedSockets.Server.AdminUI;

internal static partial class AdminUILog
{
    [LoggerMessage(2200, LogLevel.Information, "Admin UI instrumentation on namespace {Namespace}: authentication {Authentication}, mode {Mode}, read-only {ReadOnly}, server id {ServerId}.")]
    public static partial void Enabled(ILogger logger, string @namespace, string authentication, AdminUIMode mode, bool readOnly, string serverId);

    [LoggerMessage(2201, LogLevel.Warning, "Admin UI authentication is disabled (AdminUIAuthentication.None): anyone reaching namespace {Namespace} can see every socket{Commands}.")]
    public static partial void AuthenticationDisabled(ILogger logger, string @namespace, string commands);

    [LoggerMessage(2202, LogLevel.Information, "Admin UI login refused on namespace {Namespace} (invalid credentials).")]
    public static partial void LoginRefused(ILogger logger, string @namespace);

    [LoggerMessage(2203, LogLevel.Debug, "Admin UI login accepted on namespace {Namespace} ({How}).")]
    public static partial void LoginAccepted(ILogger logger, string @namespace, string how);

    [LoggerMessage(2204, LogLevel.Information, "Admin UI command {Command} from socket {SocketId} on namespace {TargetNamespace} (filter {Filter}).")]
    public static partial void Command(ILogger logger, string command, string socketId, string targetNamespace, string? filter);

    [LoggerMessage(2205, LogLevel.Information, "Admin UI command {Command} from socket {SocketId} ignored: {Why}.")]
    public static partial void CommandIgnored(ILogger logger, string command, string socketId, string why);

    [LoggerMessage(2206, LogLevel.Warning, "Admin UI command {Command} from socket {SocketId} failed.")]
    public static partial void CommandFailed(ILogger logger, string command, string socketId, Exception error);

    [LoggerMessage(2207, LogLevel.Warning, "Admin UI could not send {EventName} to namespace {Namespace}.")]
    public static partial void EmitFailed(ILogger logger, string eventName, string @namespace, Exception error);

    [LoggerMessage(2208, LogLevel.Debug, "Admin UI could not serialize the data of socket {SocketId}; it is shown empty.")]
    public static partial void DataNotSerializable(ILogger logger, string socketId, Exception error);
}
