using Microsoft.Extensions.Configuration;

namespace TypedSockets.Server.Hosting;

/// <summary>
/// Binds the settings of <see cref="SocketIOServerOptions"/> that configuration can express (times, sizes, flags,
/// the cookie, connection state recovery), key by key with the configuration binder's generated code: trimming and
/// Native AOT safe, and code-valued settings (<see cref="SocketIOServerOptions.Parser"/>,
/// <see cref="SocketIOServerOptions.JsonSerializerOptions"/>, <see cref="EngineIO.EngineIOOptions.AllowRequest"/>) are
/// left to code. Values are read as the reflection binder reads them; a key that is absent keeps the default.
/// </summary>
internal static class SocketIOServerOptionsBinder
{
    public static void Bind(IConfiguration section, SocketIOServerOptions options)
    {
        options.PingInterval = section.GetValue(nameof(options.PingInterval), options.PingInterval);
        options.PingTimeout = section.GetValue(nameof(options.PingTimeout), options.PingTimeout);
        options.UpgradeTimeout = section.GetValue(nameof(options.UpgradeTimeout), options.UpgradeTimeout);
        options.MaxHttpBufferSize = section.GetValue(nameof(options.MaxHttpBufferSize), options.MaxHttpBufferSize);
        options.AllowUpgrades = section.GetValue(nameof(options.AllowUpgrades), options.AllowUpgrades);
        options.Transports = section.GetValue(nameof(options.Transports), options.Transports);
        options.MaxBufferedMessages = section.GetValue(nameof(options.MaxBufferedMessages), options.MaxBufferedMessages);
        options.MaxBufferedBytes = section.GetValue(nameof(options.MaxBufferedBytes), options.MaxBufferedBytes);
        options.ConnectTimeout = section.GetValue(nameof(options.ConnectTimeout), options.ConnectTimeout);
        options.MaxAttachments = section.GetValue(nameof(options.MaxAttachments), options.MaxAttachments);
        options.DefaultAckTimeout = section.GetValue(nameof(options.DefaultAckTimeout), options.DefaultAckTimeout);
        options.EnableDetailedErrors = section.GetValue(nameof(options.EnableDetailedErrors), options.EnableDetailedErrors);
        options.CleanupEmptyChildNamespaces = section.GetValue(nameof(options.CleanupEmptyChildNamespaces), options.CleanupEmptyChildNamespaces);
        options.MaxChildNamespaces = section.GetValue(nameof(options.MaxChildNamespaces), options.MaxChildNamespaces);
        options.MaxPendingHandlersPerConnection = section.GetValue(nameof(options.MaxPendingHandlersPerConnection), options.MaxPendingHandlersPerConnection);
        options.MaxConcurrentHandlers = section.GetValue(nameof(options.MaxConcurrentHandlers), options.MaxConcurrentHandlers);
        options.MaxConnectionsPerIp = section.GetValue(nameof(options.MaxConnectionsPerIp), options.MaxConnectionsPerIp);

        var origins = section.GetSection(nameof(options.AllowedOrigins)).Get<string[]>();
        if (origins is { Length: > 0 })
        {
            options.AllowedOrigins = [.. origins];
        }

        var cookie = section.GetSection(nameof(options.Cookie));
        if (cookie.Exists())
        {
            options.Cookie ??= new EngineIO.EngineCookieOptions();
            cookie.Bind(options.Cookie);
        }

        var recovery = section.GetSection(nameof(options.ConnectionStateRecovery));
        if (recovery.Exists())
        {
            options.ConnectionStateRecovery ??= new ConnectionStateRecoveryOptions();
            recovery.Bind(options.ConnectionStateRecovery);
        }

        var streams = section.GetSection(nameof(options.Streams));
        if (streams.Exists())
        {
            options.Streams.WindowSize = streams.GetValue(nameof(options.Streams.WindowSize), options.Streams.WindowSize);
            options.Streams.MaxStreams = streams.GetValue(nameof(options.Streams.MaxStreams), options.Streams.MaxStreams);
            options.Streams.StartTimeout = streams.GetValue(nameof(options.Streams.StartTimeout), options.Streams.StartTimeout);
        }
    }
}
