using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace TypedSockets.Redis.Tests;

/// <summary>
/// The Redis adapters' side of observability with a real redis-server: the health check follows the connection (Unhealthy
/// while redis-server is down, Healthy again once it is back), and the <c>TypedSockets.Redis</c> meter counts messages.
/// </summary>
public sealed class RedisHealthAndMetricsTests
{
    [Theory]
    [InlineData("redis")]
    [InlineData("redis-streams")]
    public async Task TheHealthCheckIsUnhealthyWhileRedisIsDownAndHealthyAgainOnceItIsBack(string adapter)
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var node = await DotNetNode.StartAsync(redis, adapter, recovery: false);
        var health = node.App.Services.GetRequiredService<HealthCheckService>();
        using var connections = new MetricCollector<long>(node.App.Services.GetRequiredService<IMeterFactory>(), TypedSocketsTelemetry.RedisMeterName, "typedsockets.redis.connections");
        await WaitForStatusAsync(health, HealthStatus.Healthy);
        connections.RecordObservableInstruments();
        Assert.Equal(1, connections.LastMeasurement!.Value);

        await redis.KillAsync();
        var down = await WaitForStatusAsync(health, HealthStatus.Unhealthy);
        Assert.Contains("Redis disconnected", down.Entries["typedsockets"].Description, StringComparison.Ordinal);
        connections.RecordObservableInstruments();
        Assert.Equal(0, connections.LastMeasurement!.Value);

        await redis.StartAsync();
        await WaitForStatusAsync(health, HealthStatus.Healthy);
    }

    [Fact]
    public async Task ADrainingNodeIsDegraded()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var node = await DotNetNode.StartAsync(redis, "redis", recovery: false);
        var health = node.App.Services.GetRequiredService<HealthCheckService>();
        await WaitForStatusAsync(health, HealthStatus.Healthy);

        node.Io.Engine!.CloseAll(); // what ApplicationStopping runs
        await WaitForStatusAsync(health, HealthStatus.Degraded);
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("redis-streams")]
    public async Task MessagesPublishedByOneNodeAreCountedAsReceivedByTheOther(string adapter)
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await DotNetNode.StartAsync(redis, adapter, recovery: false);
        await using var b = await DotNetNode.StartAsync(redis, adapter, recovery: false);
        using var published = new MetricCollector<long>(a.App.Services.GetRequiredService<IMeterFactory>(), TypedSocketsTelemetry.RedisMeterName, "typedsockets.redis.messages.published");
        using var receivedByA = new MetricCollector<long>(a.App.Services.GetRequiredService<IMeterFactory>(), TypedSocketsTelemetry.RedisMeterName, "typedsockets.redis.messages.received");
        using var receivedByB = new MetricCollector<long>(b.App.Services.GetRequiredService<IMeterFactory>(), TypedSocketsTelemetry.RedisMeterName, "typedsockets.redis.messages.received");

        await a.Io.EmitAsync("hello", 1);

        await Eventually.TrueAsync(() => published.GetMeasurementSnapshot().EvaluateAsCounter() >= 1, "a published message");
        await Eventually.TrueAsync(() => receivedByB.GetMeasurementSnapshot().EvaluateAsCounter() >= 1, "the other node receiving it");
        Assert.Equal(0, receivedByA.GetMeasurementSnapshot().EvaluateAsCounter()); // a node ignores its own messages
        Assert.Equal("{message}", published.Instrument!.Unit);
    }

    private static async Task<HealthReport> WaitForStatusAsync(HealthCheckService health, HealthStatus status)
    {
        HealthReport? report = null;
        await Eventually.TrueAsync(
            async () => (report = await health.CheckHealthAsync()).Status == status,
            $"the health check to report {status}");
        return report!;
    }
}
