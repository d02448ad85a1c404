using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TypedSockets.Server;
using TypedSockets.Server.Adapters;
using TypedSockets.Server.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the TypedSockets server.</summary>
public static class TypedSocketsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Socket.IO server services. Options are bound from the "TypedSockets" configuration section, then
    /// <paramref name="configure"/> runs. Map endpoints with <c>app.MapSocketIO(...)</c>.
    /// </summary>
    public static ITypedSocketsBuilder AddTypedSockets(this IServiceCollection services, Action<SocketIOServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SocketIOServerOptions>()
            .Configure<IConfiguration>(static (options, configuration) =>
                SocketIOServerOptionsBinder.Bind(configuration.GetSection(SocketIOServerOptions.SectionName), options));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        // The IMeterFactory the servers' TypedSockets.Server meter comes from (a no-op when the host already added it).
        services.AddMetrics();
        services.TryAddSingleton<SocketIOServerRegistry>();
        services.TryAddSingleton<ISocketIOAdapterFactory, InMemoryAdapterFactory>();
        services.TryAddSingleton(static sp => sp.GetRequiredService<SocketIOServerRegistry>().Default);
        services.TryAddSingleton(typeof(ISocketHubContext<,>), typeof(SocketHubContext<,>));
        services.TryAddSingleton<ISocketUserIdProvider, NameIdentifierUserIdProvider>();
        SocketIOAuthorizationResultHandler.Register(services);
        return new TypedSocketsBuilder(services);
    }

    private sealed class TypedSocketsBuilder(IServiceCollection services) : ITypedSocketsBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

/// <summary>Configures TypedSockets further (adapters, parsers).</summary>
public interface ITypedSocketsBuilder
{
    /// <summary>The application's service collection, for extensions (such as <c>AddRedisAdapter</c>) to register into.</summary>
    IServiceCollection Services { get; }
}
