using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedSockets.Redis.Internal;

/// <summary>
/// Reads the stream for every namespace of one server (XREAD BLOCK on a connection of its own) and hands each entry to
/// the adapter of its namespace, in stream order. Starts at the end of the stream (<c>$</c>), then follows the last id
/// read, so a Redis restart loses nothing that was appended after it came back.
/// </summary>
internal sealed class RedisStreamReader : IAsyncDisposable
{
    private readonly RedisClusterConnection _connection;
    private readonly RedisStreamsAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RedisStreamsAdapter> _adapters = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _sync = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;

    /// <summary>Completes when the reader has its connection and starts following the stream.</summary>
    public Task Started => _started.Task;

    public RedisStreamReader(RedisClusterConnection connection, RedisStreamsAdapterOptions options)
    {
        _connection = connection;
        _options = options;
        _logger = connection.Logger;
    }

    public void Register(RedisStreamsAdapter adapter)
    {
        _adapters[adapter.Namespace.Name] = adapter;
        lock (_sync)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await _connection.CreateDedicatedAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RedisAdapterLog.StreamReadFailed(_logger, _options.StreamName, e);
            return;
        }

        var database = multiplexer.GetDatabase();
        var offset = "$";
        try
        {
            // Start from the current last entry, so nothing appended after Started completes is missed.
            var last = await database.StreamRangeAsync(_options.StreamName, "-", "+", 1, Order.Descending).ConfigureAwait(false);
            offset = last.Length > 0 ? last[0].Id.ToString() : "0-0";
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            RedisAdapterLog.StreamReadFailed(_logger, _options.StreamName, e);
        }

        _started.TrySetResult();
        var block = (long)_options.BlockTime.TotalMilliseconds;
        var failures = 0;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var result = await database.ExecuteAsync("XREAD", "COUNT", _options.ReadCount, "BLOCK", block, "STREAMS", _options.StreamName, offset).ConfigureAwait(false);
                failures = 0;
                foreach (var (id, fields) in Entries(result))
                {
                    offset = id;
                    if (fields.TryGetValue("nsp", out var nsp) && nsp is not null && _adapters.TryGetValue(nsp, out var adapter))
                    {
                        adapter.OnStreamEntry(fields, id);
                    }
                }
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                if (failures++ % 20 == 0)
                {
                    RedisAdapterLog.StreamReadFailed(_logger, _options.StreamName, e);
                }

                try
                {
                    await Task.Delay(250, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    /// <summary>The entries of an XREAD reply for one stream (RESP2 <c>[[name, entries]]</c> or RESP3 <c>{name: entries}</c>).</summary>
    private static IEnumerable<(string Id, Dictionary<string, string?> Fields)> Entries(RedisResult result)
    {
        if (result.IsNull || result.Length == 0)
        {
            yield break;
        }

        var top = (RedisResult[])result!;
        var entries = top[0].Resp2Type == ResultType.Array ? ((RedisResult[])top[0]!)[1] : top[1];
        foreach (var entry in (RedisResult[])entries!)
        {
            var parts = (RedisResult[])entry!;
            var id = parts[0].ToString();
            var values = (RedisResult[])parts[1]!;
            var fields = new Dictionary<string, string?>(values.Length / 2, StringComparer.Ordinal);
            for (var i = 0; i + 1 < values.Length; i += 2)
            {
                fields[values[i].ToString()] = values[i + 1].ToString();
            }

            yield return (id, fields);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        return ValueTask.CompletedTask;
    }
}
