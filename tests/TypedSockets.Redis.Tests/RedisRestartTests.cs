using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TypedSockets.Server;

namespace TypedSockets.Redis.Tests;

/// <summary>
/// Redis killed and started again mid-test: local delivery keeps working, requests fail with a clear timeout, messages
/// for the cluster are dropped and counted, and the cluster heals without restarting any node.
/// </summary>
public sealed class RedisRestartTests
{
    [Theory]
    [InlineData("redis")]
    [InlineData("redis-streams")]
    public async Task ClusterHealsAfterRedisRestartsWithoutRestartingAnyNode(string adapter)
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await DotNetNode.StartAsync(redis, adapter, recovery: false);
        await using var n = await NodePeer.StartAsync();
        var started = await n.SendAsync("server.start", new { port = 0, adapter = adapter == "redis" ? "redis" : "streams", redis = redis.Url, requestsTimeout = 1000 });
        var nUrl = $"http://127.0.0.1:{started.GetProperty("port").GetInt32()}";
        await using var clients = await NodePeer.StartAsync();
        await clients.SendAsync("client.connect", new { name = "a1", url = a.UrlText });
        await clients.SendAsync("client.connect", new { name = "n1", url = nUrl });
        await UntilDeliveredAsync(a.Io, clients, "n1", "before");

        using var dropped = new MetricCollector<long>(a.App.Services.GetRequiredService<IMeterFactory>(), TypedSocketsTelemetry.RedisMeterName, "typedsockets.redis.messages.dropped");
        await redis.KillAsync();

        // Local delivery does not wait for Redis.
        await a.Io.EmitAsync("while-down", 1).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        await clients.WaitForClientEventAsync("a1", "while-down", timeout: TimeSpan.FromSeconds(5));

        // Requests fail with a clear timeout, in bounded time.
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TimeoutException>(async () => await a.Io.FetchSocketsAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(7), $"fetchSockets failed only after {watch.Elapsed}");
        Assert.Contains("Redis", error.Message + error.InnerException?.Message, StringComparison.OrdinalIgnoreCase);

        // What could not reach Redis was dropped and counted.
        await Eventually.TrueAsync(() => dropped.GetMeasurementSnapshot().Count > 0, "a counted drop");
        Assert.Contains(dropped.GetMeasurementSnapshot(), m => (string?)m.Tags["reason"] is "redis_unreachable" or "queue_full");

        await redis.StartAsync();

        // Both directions heal: .NET to Node.js and Node.js to .NET, then cluster requests work again.
        await UntilDeliveredAsync(a.Io, clients, "n1", "after");
        var probe = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                if (clients.Received("a1", "after-n").Count > 0)
                {
                    return true;
                }

                await n.SendAsync("server.emit", new { @event = "after-n", args = new object[] { probe++ } });
                await Task.Delay(100); // pacing of the probes, not a wait for an outcome
                return false;
            },
            () => "the Node.js node's broadcasts reach the .NET node's client after the restart\n" + n.StandardError);

        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await a.Io.FetchSocketsAsync()).Count == 2;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }, "fetchSockets across both nodes");
    }

    /// <summary>Broadcasts from <paramref name="io"/> until <paramref name="client"/> gets one (bounded: 20 s).</summary>
    private static async Task UntilDeliveredAsync(SocketIOServer io, NodePeer clients, string client, string eventName)
    {
        var probe = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                if (clients.Received(client, eventName).Count > 0)
                {
                    return true;
                }

                await io.EmitAsync(eventName, probe++);
                await Task.Delay(100); // pacing of the probes, not a wait for an outcome
                return false;
            },
            $"'{eventName}' from the .NET node reaches {client}");
    }
}
