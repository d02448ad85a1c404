using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TypedSockets.Server.EngineIO;
using Microsoft.Extensions.Options;
using TypedSockets.Server;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Socket.IO servers on endpoint routing.</summary>
public static class SocketIOEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a Socket.IO server at <paramref name="path"/> (default "/socket.io"). <paramref name="configure"/> sets up
    /// namespaces and handlers; <paramref name="configureOptions"/> overrides the DI options for this endpoint only.
    /// The returned builder takes endpoint metadata (RequireCors, RequireAuthorization, rate limiting...).
    /// </summary>
    public static IEndpointConventionBuilder MapSocketIO(
        this IEndpointRouteBuilder endpoints,
        string path = "/socket.io",
        Action<SocketIOServer>? configure = null,
        Action<SocketIOServerOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var registry = services.GetService<SocketIOServerRegistry>()
            ?? throw new InvalidOperationException("Call builder.Services.AddTypedSockets() before app.MapSocketIO(...).");
        var options = new SocketIOServerOptions();
        services.GetRequiredService<IOptions<SocketIOServerOptions>>().Value.CopyTo(options);
        configureOptions?.Invoke(options);

        var server = new SocketIOServer(SocketIOServerRegistry.Normalize(path), options, services);
        registry.Add(server);
        configure?.Invoke(server);
        return MapEngine(endpoints, server);
    }

    private static IEndpointConventionBuilder MapEngine(IEndpointRouteBuilder endpoints, SocketIOServer server)
    {
        var services = endpoints.ServiceProvider;
        var engine = new EngineIOServer(
            server.Options,
            server,
            services.GetRequiredService<ILoggerFactory>(),
            services.GetService<IHostApplicationLifetime>(),
            services.GetService<IMeterFactory>());
        server.Engine = engine;
        return endpoints.MapEngineIOServer(server.Path, engine).WithMetadata(SocketIOEndpointMetadata.Instance);
    }
}
