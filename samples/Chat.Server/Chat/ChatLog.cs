namespace Chat.Server.Chat;

internal static partial class ChatLog
{
    [LoggerMessage(3001, LogLevel.Information, "{Username} signed in (socket {SocketId}).")]
    public static partial void SignedIn(ILogger logger, string username, string socketId);

    [LoggerMessage(3002, LogLevel.Information, "{Username} signed out: {Reason}.")]
    public static partial void SignedOut(ILogger logger, string username, string reason);

    [LoggerMessage(3003, LogLevel.Debug, "{Username} moved from {From} to {To}.")]
    public static partial void Moved(ILogger logger, string username, string? from, string to);

    [LoggerMessage(3004, LogLevel.Debug, "{Username} posted message {MessageId} in {Room}.")]
    public static partial void Posted(ILogger logger, string username, long messageId, string room);

    [LoggerMessage(3005, LogLevel.Debug, "Refused '{EventName}' from socket {SocketId}: {Error}")]
    public static partial void Refused(ILogger logger, string eventName, string socketId, string error);

    [LoggerMessage(3006, LogLevel.Error, "Handling '{EventName}' from socket {SocketId} failed.")]
    public static partial void Failed(ILogger logger, string eventName, string socketId, Exception exception);
}
