using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedSockets.Redis.Internal;

/// <summary>
/// The pub/sub subscriptions of one adapter: subscribed with retries (Redis may be down when the namespace is created),
/// kept so they can be undone, and torn down once on dispose.
/// </summary>
internal sealed class RedisSubscriptions : IAsyncDisposable
{
    private readonly List<ChannelMessageQueue> _queues = [];
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _disposed = new();

    /// <summary>Completes once every channel is subscribed.</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Cancelled when the adapter is disposed.</summary>
    public CancellationToken Disposed => _disposed.Token;

    /// <summary>
    /// Waits for the connection, then runs <paramref name="subscribe"/> (which subscribes and attaches handlers),
    /// retrying every 500 ms on failure until it succeeds or the adapter is disposed.
    /// </summary>
    public async Task RunAsync(RedisClusterConnection connection, Func<ISubscriber, Task<ChannelMessageQueue[]>> subscribe, ILogger logger, string uid, string nsp, string kind)
    {
        while (!_disposed.IsCancellationRequested)
        {
            try
            {
                var multiplexer = await connection.GetAsync().ConfigureAwait(false);
                while (!multiplexer.IsConnected && !_disposed.IsCancellationRequested)
                {
                    await Task.Delay(100, _disposed.Token).ConfigureAwait(false);
                }

                var queues = await subscribe(multiplexer.GetSubscriber()).ConfigureAwait(false);
                lock (_queues)
                {
                    _queues.AddRange(queues);
                }

                RedisAdapterLog.Started(logger, uid, nsp, kind);
                _subscribed.TrySetResult();
                return;
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                RedisAdapterLog.SubscribeFailed(logger, nsp, e);
                try
                {
                    await Task.Delay(500, _disposed.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        ChannelMessageQueue[] queues;
        lock (_queues)
        {
            queues = [.. _queues];
            _queues.Clear();
        }

        foreach (var queue in queues)
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Redis gone: nothing to undo.
            }
        }
    }
}
