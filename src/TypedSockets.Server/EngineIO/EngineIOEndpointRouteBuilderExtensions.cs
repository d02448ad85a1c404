using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TypedSockets.Server.EngineIO;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps an Engine.IO v4 server at a path.</summary>
public static class EngineIOEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps an Engine.IO server at <paramref name="path"/> (e.g. <c>/engine.io</c>): every HTTP method on the path and
    /// anything under it. Returns a builder for conventions such as <c>RequireCors</c>.
    /// </summary>
    public static IEndpointConventionBuilder MapEngineIO(
        this IEndpointRouteBuilder endpoints, string path, IEngineConnectionHandler handler, EngineIOOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var server = new EngineIOServer(
            options,
            handler,
            services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            services.GetService<IHostApplicationLifetime>(),
            services.GetService<IMeterFactory>());
        return endpoints.MapEngineIOServer(path, server);
    }

    /// <inheritdoc cref="MapEngineIO(IEndpointRouteBuilder, string, IEngineConnectionHandler, EngineIOOptions)"/>
    public static IEndpointConventionBuilder MapEngineIO(
        this IEndpointRouteBuilder endpoints, string path, IEngineConnectionHandler handler, Action<EngineIOOptions>? configure = null)
    {
        var options = new EngineIOOptions();
        configure?.Invoke(options);
        return endpoints.MapEngineIO(path, handler, options);
    }

    /// <summary>
    /// Maps an existing <see cref="EngineIOServer"/>: the exact path and <c>{path}/{**rest}</c>, all HTTP methods,
    /// behind the WebSocket middleware. Shared by <c>MapEngineIO</c> and the Socket.IO layer.
    /// </summary>
    public static IEndpointConventionBuilder MapEngineIOServer(this IEndpointRouteBuilder endpoints, string path, EngineIOServer server)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(server);

        var prefix = "/" + path.Trim('/');
        if (prefix == "/")
        {
            prefix = string.Empty;
        }

        var pipeline = endpoints.CreateApplicationBuilder();
        pipeline.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        pipeline.Run(server.HandleRequestAsync);
        var requestDelegate = pipeline.Build();

        var group = endpoints.MapGroup(prefix.Length == 0 ? "/" : prefix);
        var displayName = $"Engine.IO {(prefix.Length == 0 ? "/" : prefix)}/";
        group.Map("/", requestDelegate).WithDisplayName(displayName);
        group.Map("/{**rest}", requestDelegate).WithDisplayName(displayName);
        return group;
    }
}
