using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedSockets.Redis.Internal;

/// <summary>
/// The Redis connection of one server's adapters, and its outgoing queue. Commands for the cluster go through one
/// bounded queue, in order; when it is full, or when Redis is unreachable (commands fail fast instead of piling up in
/// the client), the message is dropped, counted in <see cref="RedisAdapterMetrics"/> and logged. StackExchange.Redis
/// reconnects and resubscribes on its own.
/// </summary>
internal sealed class RedisClusterConnection : IAsyncDisposable
{
    private const int MaxInFlight = 512;

    private readonly ConfigurationOptions _configuration;
    private readonly ILogger _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;
    private readonly Channel<Outgoing> _queue;
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _dropSync = new();
    private readonly List<ConnectionMultiplexer> _dedicated = [];
    private Task? _loop;
    private long _dropsSinceReport;
    private long _lastReport;
    private volatile bool _subscriptionDown; // set by ConnectionFailed on the subscription connection, cleared by ConnectionRestored
    private volatile string? _lastFailure;

    public RedisClusterConnection(ConfigurationOptions configuration, int maxPending, ILogger logger, RedisAdapterMetrics metrics)
    {
        _configuration = configuration;
        _logger = logger;
        Metrics = metrics;
        metrics.Track(this);
        _multiplexer = new Lazy<Task<ConnectionMultiplexer>>(ConnectAsync);
        _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(Math.Max(1, maxPending))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses, and we count the drop
        });
    }

    public ILogger Logger => _logger;

    public RedisAdapterMetrics Metrics { get; }

    /// <summary>Messages waiting in the send queue.</summary>
    public int QueueLength => _queue.Reader.CanCount ? _queue.Reader.Count : 0;

    /// <summary>True while the multiplexer is connected and its subscription connection is not reported down.</summary>
    public bool IsConnected =>
        !_subscriptionDown && _multiplexer.IsValueCreated && _multiplexer.Value is { IsCompletedSuccessfully: true } ready && ready.Result.IsConnected;

    /// <summary>The state for the health report.</summary>
    public string Status
    {
        get
        {
            var endpoints = string.Join(",", _configuration.EndPoints.Select(static e => e.ToString()));
            if (IsConnected)
            {
                return $"Redis connected ({endpoints})";
            }

            if (!_multiplexer.IsValueCreated || !_multiplexer.Value.IsCompleted)
            {
                return $"Redis not connected yet ({endpoints})";
            }

            return _lastFailure is { } failure ? $"Redis disconnected ({endpoints}): {failure}" : $"Redis disconnected ({endpoints})";
        }
    }

    /// <summary>Our copy of the settings: never abort on a failed first connect, never queue while disconnected.</summary>
    public static ConfigurationOptions Prepare(ConfigurationOptions configuration, bool keepRetryPolicy)
    {
        var copy = configuration.Clone();
        copy.AbortOnConnectFail = false;
        copy.BacklogPolicy = BacklogPolicy.FailFast;
        if (!keepRetryPolicy)
        {
            copy.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        }

        return copy;
    }

    public Task<ConnectionMultiplexer> GetAsync() => _multiplexer.Value;

    /// <summary>The nodes listening on <paramref name="channel"/> (PUBSUB NUMSUB), this one included: at least 1.</summary>
    /// <exception cref="TimeoutException">Redis did not answer.</exception>
    public async ValueTask<int> CountSubscribersAsync(string channel)
    {
        var multiplexer = await GetAsync().ConfigureAwait(false);
        try
        {
            var result = await multiplexer.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel).ConfigureAwait(false);
            return Math.Max(1, (int)(long)((RedisResult[])result!)[1]);
        }
        catch (RedisException e)
        {
            throw new TimeoutException($"Redis did not answer PUBSUB NUMSUB for {channel}: {e.Message}", e);
        }
    }

    /// <summary>Another connection to the same Redis, for blocking reads (XREAD BLOCK) that must not hold up the shared one.</summary>
    public async Task<ConnectionMultiplexer> CreateDedicatedAsync()
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);
        lock (_dedicated)
        {
            _dedicated.Add(multiplexer);
        }

        return multiplexer;
    }

    /// <summary>Queues a PUBLISH; false when it was dropped (queue full).</summary>
    public bool Publish(RedisChannel channel, byte[] payload) => Enqueue(new Outgoing(channel, default, payload, null, 0, null));

    /// <summary>Queues an XADD; the task gives the entry id, or null when the entry could not be added (counted as a drop).</summary>
    public Task<string?> StreamAddAsync(RedisKey stream, NameValueEntry[] fields, int maxLength)
    {
        var completion = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(new Outgoing(default, stream, null, fields, maxLength, completion)))
        {
            completion.TrySetResult(null);
        }

        return completion.Task;
    }

    private bool Enqueue(Outgoing item)
    {
        EnsureLoop();
        if (_queue.Writer.TryWrite(item))
        {
            return true;
        }

        ReportDrop(RedisAdapterMetrics.DropReasons.QueueFull, null);
        return false;
    }

    private void EnsureLoop()
    {
        if (_loop is null)
        {
            lock (_dropSync)
            {
                _loop ??= Task.Run(RunAsync);
            }
        }
    }

    private async Task RunAsync()
    {
        var multiplexer = await GetAsync().ConfigureAwait(false);
        var database = multiplexer.GetDatabase();
        var subscriber = multiplexer.GetSubscriber();
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                await _inFlight.WaitAsync(_stopping.Token).ConfigureAwait(false);
                Task task;
                try
                {
                    task = item.Fields is null
                        ? subscriber.PublishAsync(item.Channel, item.Payload!)
                        : database.StreamAddAsync(item.Stream, item.Fields, messageId: null, maxLength: item.MaxLength, useApproximateMaxLength: true);
                }
                catch (Exception e)
                {
                    task = Task.FromException(e);
                }

                _ = CompleteAsync(task, item);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task CompleteAsync(Task task, Outgoing item)
    {
        try
        {
            await task.ConfigureAwait(false);
            Metrics.Published();
            item.Completion?.TrySetResult(task is Task<RedisValue> added ? added.Result.ToString() : null);
        }
        catch (Exception e)
        {
            ReportDrop(RedisAdapterMetrics.DropReasons.RedisUnreachable, e);
            item.Completion?.TrySetResult(null);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>Counts a drop; logs at most every 5 seconds with the number dropped meanwhile.</summary>
    public void ReportDrop(string reason, Exception? error)
    {
        Metrics.Dropped(reason);
        long count;
        lock (_dropSync)
        {
            _dropsSinceReport++;
            var now = Environment.TickCount64;
            if (_lastReport != 0 && now - _lastReport < 5000)
            {
                return;
            }

            _lastReport = now;
            count = _dropsSinceReport;
            _dropsSinceReport = 0;
        }

        RedisAdapterLog.MessagesDropped(_logger, count, reason, error);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _lastFailure = $"{e.FailureType} on {e.EndPoint?.ToString() ?? "?"}";
            _subscriptionDown = true;
        }

        RedisAdapterLog.ConnectionFailed(_logger, e.FailureType.ToString(), e.EndPoint?.ToString() ?? "?", e.Exception);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _subscriptionDown = false;
        }

        RedisAdapterLog.ConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?");
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        return multiplexer;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _queue.Writer.TryComplete();
        if (_multiplexer.IsValueCreated)
        {
            try
            {
                var multiplexer = await _multiplexer.Value.ConfigureAwait(false);
                await multiplexer.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Never connected.
            }
        }

        ConnectionMultiplexer[] dedicated;
        lock (_dedicated)
        {
            dedicated = [.. _dedicated];
            _dedicated.Clear();
        }

        foreach (var multiplexer in dedicated)
        {
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed record Outgoing(RedisChannel Channel, RedisKey Stream, byte[]? Payload, NameValueEntry[]? Fields, int MaxLength, TaskCompletionSource<string?>? Completion);
}
