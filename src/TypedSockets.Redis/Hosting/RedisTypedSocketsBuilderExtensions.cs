using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedSockets.Redis;
using TypedSockets.Server.Adapters;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the Socket.IO servers of this application in a Redis cluster.</summary>
public static class RedisTypedSocketsBuilderExtensions
{
    /// <summary>
    /// Uses the Redis pub/sub adapter (wire compatible with <c>@socket.io/redis-adapter</c> 8.x), e.g.
    /// <c>builder.Services.AddTypedSockets().AddRedisAdapter("localhost:6379")</c>.
    /// </summary>
    /// <param name="builder">The builder <c>AddTypedSockets</c> returned.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string ("host:port,password=...").</param>
    /// <param name="configure">Changes the <see cref="RedisAdapterOptions"/> (channel prefix, request timeout...); defaults when null.</param>
    public static ITypedSocketsBuilder AddRedisAdapter(this ITypedSocketsBuilder builder, string configuration, Action<RedisAdapterOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        return builder.AddRedisAdapter(ConfigurationOptions.Parse(configuration), configure);
    }

    /// <inheritdoc cref="AddRedisAdapter(ITypedSocketsBuilder, string, Action{RedisAdapterOptions}?)"/>
    public static ITypedSocketsBuilder AddRedisAdapter(this ITypedSocketsBuilder builder, ConfigurationOptions configuration, Action<RedisAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new RedisAdapterOptions();
        configure?.Invoke(options);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISocketIOAdapterFactory>(sp =>
            new RedisAdapterFactory(configuration, options, sp.GetRequiredService<ILoggerFactory>(), sp.GetService<IMeterFactory>())));
        return builder;
    }

    /// <summary>
    /// Joins a Redis cluster with the adapter named by <paramref name="adapter"/>: "redis" (pub/sub, the default) or
    /// "redis-streams". Meant for hosts that take <c>--redis &lt;connection string&gt; --adapter redis|redis-streams</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown adapter name.</exception>
    public static ITypedSocketsBuilder AddRedisCluster(this ITypedSocketsBuilder builder, string configuration, string? adapter = null) => adapter switch
    {
        null or "" or "redis" => builder.AddRedisAdapter(configuration),
        "redis-streams" => builder.AddRedisStreamsAdapter(configuration),
        _ => throw new ArgumentException($"Unknown adapter '{adapter}': use redis or redis-streams.", nameof(adapter)),
    };

    /// <summary>
    /// Uses the Redis streams adapter (wire compatible with <c>@socket.io/redis-streams-adapter</c> 0.3), which also
    /// recovers connection state across servers when <c>ConnectionStateRecovery</c> is on.
    /// </summary>
    public static ITypedSocketsBuilder AddRedisStreamsAdapter(this ITypedSocketsBuilder builder, string configuration, Action<RedisStreamsAdapterOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        return builder.AddRedisStreamsAdapter(ConfigurationOptions.Parse(configuration), configure);
    }

    /// <inheritdoc cref="AddRedisStreamsAdapter(ITypedSocketsBuilder, string, Action{RedisStreamsAdapterOptions}?)"/>
    public static ITypedSocketsBuilder AddRedisStreamsAdapter(this ITypedSocketsBuilder builder, ConfigurationOptions configuration, Action<RedisStreamsAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new RedisStreamsAdapterOptions();
        configure?.Invoke(options);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISocketIOAdapterFactory>(sp =>
            new RedisStreamsAdapterFactory(configuration, options, sp.GetRequiredService<ILoggerFactory>(), sp.GetService<IMeterFactory>())));
        return builder;
    }
}
