using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedSockets.Redis.Internal;
using TypedSockets.Server;
using TypedSockets.Server.Adapters;

namespace TypedSockets.Redis;

/// <summary>Creates a <see cref="RedisAdapter"/> per namespace, all on one Redis connection.</summary>
public sealed class RedisAdapterFactory : ISocketIOAdapterFactory, ISocketIOAdapterHealth, IAsyncDisposable
{
    private readonly RedisClusterConnection _connection;
    private readonly RedisAdapterOptions _options;

    /// <summary>A factory that connects to Redis in the background.</summary>
    /// <param name="configuration">StackExchange.Redis settings; the adapter never aborts on a failed first connect and never queues while disconnected.</param>
    /// <param name="options">The adapter settings, shared by every namespace.</param>
    /// <param name="loggerFactory">Creates the <c>TypedSockets.Redis</c> logger.</param>
    public RedisAdapterFactory(ConfigurationOptions configuration, RedisAdapterOptions options, ILoggerFactory loggerFactory)
        : this(configuration, options, loggerFactory, meterFactory: null)
    {
    }

    /// <summary>A factory that connects to Redis in the background and publishes its metrics on <paramref name="meterFactory"/>'s <c>TypedSockets.Redis</c> meter.</summary>
    /// <param name="configuration">StackExchange.Redis settings; the adapter never aborts on a failed first connect and never queues while disconnected.</param>
    /// <param name="options">The adapter settings, shared by every namespace.</param>
    /// <param name="loggerFactory">Creates the <c>TypedSockets.Redis</c> logger.</param>
    /// <param name="meterFactory">The application's meter factory; when null, a process-wide <c>TypedSockets.Redis</c> meter.</param>
    public RedisAdapterFactory(ConfigurationOptions configuration, RedisAdapterOptions options, ILoggerFactory loggerFactory, IMeterFactory? meterFactory)
    {
        _options = options;
        _connection = new RedisClusterConnection(
            RedisClusterConnection.Prepare(configuration, keepRetryPolicy: false), options.MaxPendingMessages, loggerFactory.CreateLogger("TypedSockets.Redis"), RedisAdapterMetrics.For(meterFactory));
    }

    /// <summary>The pub/sub adapter of <paramref name="nsp"/>, on this factory's connection.</summary>
    public SocketIOAdapter Create(SocketIONamespace nsp) => new RedisAdapter(nsp, _connection, _options);

    /// <summary>True while the Redis connection (and its pub/sub subscription connection) is up.</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <summary>The Redis connection's state, for health reports.</summary>
    public string Status => _connection.Status;

    /// <summary>Closes the Redis connection; the adapters created by this factory stop working.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>Creates a <see cref="RedisStreamsAdapter"/> per namespace; one reader follows the stream for all of them.</summary>
public sealed class RedisStreamsAdapterFactory : ISocketIOAdapterFactory, ISocketIOAdapterHealth, IAsyncDisposable
{
    private readonly RedisClusterConnection _connection;
    private readonly RedisStreamsAdapterOptions _options;
    private readonly RedisStreamReader _reader;

    /// <summary>A factory that connects to Redis in the background.</summary>
    /// <param name="configuration">StackExchange.Redis settings; the adapter never aborts on a failed first connect and never queues while disconnected.</param>
    /// <param name="options">The adapter settings, shared by every namespace.</param>
    /// <param name="loggerFactory">Creates the <c>TypedSockets.Redis</c> logger.</param>
    public RedisStreamsAdapterFactory(ConfigurationOptions configuration, RedisStreamsAdapterOptions options, ILoggerFactory loggerFactory)
        : this(configuration, options, loggerFactory, meterFactory: null)
    {
    }

    /// <summary>A factory that connects to Redis in the background and publishes its metrics on <paramref name="meterFactory"/>'s <c>TypedSockets.Redis</c> meter.</summary>
    /// <param name="configuration">StackExchange.Redis settings; the adapter never aborts on a failed first connect and never queues while disconnected.</param>
    /// <param name="options">The adapter settings, shared by every namespace.</param>
    /// <param name="loggerFactory">Creates the <c>TypedSockets.Redis</c> logger.</param>
    /// <param name="meterFactory">The application's meter factory; when null, a process-wide <c>TypedSockets.Redis</c> meter.</param>
    public RedisStreamsAdapterFactory(ConfigurationOptions configuration, RedisStreamsAdapterOptions options, ILoggerFactory loggerFactory, IMeterFactory? meterFactory)
    {
        _options = options;
        _connection = new RedisClusterConnection(
            RedisClusterConnection.Prepare(configuration, keepRetryPolicy: false), options.MaxPendingMessages, loggerFactory.CreateLogger("TypedSockets.Redis"), RedisAdapterMetrics.For(meterFactory));
        _reader = new RedisStreamReader(_connection, options);
    }

    /// <summary>The streams adapter of <paramref name="nsp"/>, registered with the factory's single stream reader.</summary>
    public SocketIOAdapter Create(SocketIONamespace nsp)
    {
        var adapter = new RedisStreamsAdapter(nsp, _connection, _options) { ReaderStarted = _reader.Started };
        _reader.Register(adapter);
        return adapter;
    }

    /// <summary>True while the Redis connection (and its pub/sub subscription connection) is up.</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <summary>The Redis connection's state, for health reports.</summary>
    public string Status => _connection.Status;

    /// <summary>Stops the stream reader, then closes the Redis connection; the adapters created by this factory stop working.</summary>
    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
