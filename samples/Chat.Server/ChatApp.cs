using System.Globalization;
using Chat.Contracts;
using Chat.Server.Chat;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TypedSockets;
using TypedSockets.Server;
using TypedSockets.Server.AdminUI;

namespace Chat.Server;

/// <summary>
/// Builds the chat server: the page in wwwroot and the Socket.IO endpoint at /socket.io, on http://localhost:5000 unless
/// <c>--urls</c> (any ASP.NET Core form) or <c>--port N</c> says otherwise (<c>--port 0</c> picks a free port on 127.0.0.1).
/// <c>--redis &lt;connection string&gt;</c> (with <c>--adapter redis|redis-streams</c>, default redis) runs it as a node
/// of a Redis cluster: room events reach users on every node (names and history stay per node).
/// <c>--admin-ui &lt;user&gt;:&lt;password&gt;</c> (configuration key <c>admin-ui</c>) turns on the Socket.IO Admin UI: the
/// instrumentation on the "/admin" namespace, signed in to with that user and password (hashed with bcrypt at startup,
/// never kept in clear), and the UI page itself at /admin-ui/. Without it neither exists.
/// <c>--otel console</c> exports TypedSockets' traces and metrics with the OpenTelemetry SDK to the console.
/// </summary>
public static class ChatApp
{
    public const string DefaultUrl = "http://localhost:5000";

    /// <summary>Where the Admin UI page is served with <c>--admin-ui</c>: http://localhost:5000/admin-ui/.</summary>
    public const string AdminUIPath = "/admin-ui";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.UseUrls(ResolveUrls(builder.Configuration));

        builder.Services.AddOptions<ChatOptions>()
            .BindConfiguration(ChatOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ChatOptions>, ChatOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IChatHistory, InMemoryChatHistory>();
        builder.Services.AddSingleton<ChatDirectory>();
        // The contracts' source-generated JSON metadata: no reflection, so the app also runs as a Native AOT binary.
        var typedSockets = builder.Services.AddTypedSockets(o => o.JsonSerializerOptions.TypeInfoResolverChain.Add(ChatJsonContext.Default));
        if (builder.Configuration["redis"] is { Length: > 0 } redis)
        {
            typedSockets.AddRedisCluster(redis, builder.Configuration["adapter"]);
        }

        var adminUI = ResolveAdminUI(builder.Configuration);

        if (builder.Configuration["otel"] is { } otel)
        {
            AddOpenTelemetry(builder.Services, otel);
        }

        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapSocketIO("/socket.io", io =>
        {
            io.MapNamespace<ChatHub>("/", o => o.SerialDispatch = true);
            if (adminUI is { } login)
            {
                // The instrumentation on "/admin", with the password kept only as its bcrypt hash.
                var hash = BCrypt.Net.BCrypt.HashPassword(login.Password);
                io.AddAdminUI(o => o.Authentication = AdminUIAuthentication.Basic(login.User, hash));
            }
        });
        if (adminUI is not null)
        {
            // The page, copied from npm @socket.io/admin-ui by the build (TypedSocketsAdminUI in Chat.Server.csproj).
            app.MapSocketIOAdminUI(AdminUIPath);
        }

        return app;
    }

    /// <summary>The address the started app listens on (the real port when it was started on port 0).</summary>
    public static Uri GetAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!;
        return new Uri(addresses.Addresses.First());
    }

    /// <summary>The user and password of <c>--admin-ui user:password</c> (split at the first ':'), or null without it.</summary>
    private static (string User, string Password)? ResolveAdminUI(IConfiguration configuration)
    {
        if (configuration["admin-ui"] is not { } value)
        {
            return null;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1)
        {
            // The value is not repeated: it may hold a password.
            throw new ArgumentException(
                "--admin-ui expects <user>:<password>, a user name and a password on either side of the first ':' " +
                "(for example --admin-ui admin:changeit).");
        }

        return (value[..colon], value[(colon + 1)..]);
    }

    /// <summary>
    /// <c>--otel console</c>: the server's spans (<see cref="TypedSocketsTelemetry.ServerActivitySourceName"/>) and the
    /// server's and Redis adapters' instruments, written to standard output by the OpenTelemetry console exporter
    /// (metrics every 10 s). Any other exporter name is refused at startup.
    /// </summary>
    private static void AddOpenTelemetry(IServiceCollection services, string exporter)
    {
        if (!string.Equals(exporter, "console", StringComparison.Ordinal))
        {
            throw new ArgumentException($"--otel expects 'console' (the only exporter of this sample), not '{exporter}'.");
        }

        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(TypedSocketsTelemetry.ServerActivitySourceName)
                .AddConsoleExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(TypedSocketsTelemetry.ServerMeterName, TypedSocketsTelemetry.RedisMeterName)
                .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000));
    }

    private static string ResolveUrls(IConfiguration configuration)
    {
        if (configuration["port"] is { Length: > 0 } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            {
                throw new ArgumentException($"--port expects a number from 0 to 65535, not '{text}'.");
            }

            // Kestrel cannot bind "localhost" to a dynamic port.
            return port == 0 ? "http://127.0.0.1:0" : $"http://localhost:{port}";
        }

        return configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls ? urls : DefaultUrl;
    }
}
