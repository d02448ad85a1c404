using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using TypedSockets.Server.Adapters;

namespace TypedSockets.Server.Tests.Metrics;

/// <summary><c>AddHealthChecks().AddTypedSockets()</c>: Healthy, Unhealthy while the cluster adapter is down, Degraded while draining.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task AServerIsHealthyThenDegradedWhileItDrainsAtShutdown()
    {
        await using var app = await StartAsync(adapter: null);
        var health = app.Services.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(HealthStatus.Healthy, report.Entries["typedsockets"].Status);

        // What ApplicationStopping runs: every session closes and new handshakes get 503.
        var engine = app.Services.GetRequiredService<SocketIOServer>().Engine!;
        engine.CloseAll();
        Assert.True(engine.IsStopping);

        report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, report.Entries["typedsockets"].Status);
        Assert.Contains("shutting down", report.Entries["typedsockets"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADisconnectedClusterAdapterMakesTheCheckUnhealthyUntilItReconnects()
    {
        var adapter = new SwitchableAdapterFactory();
        await using var app = await StartAsync(adapter);
        var health = app.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        adapter.Connected = false;
        var entry = (await health.CheckHealthAsync()).Entries["typedsockets"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("switched off", entry.Description, StringComparison.Ordinal);
        Assert.Equal("switched off", entry.Data["adapter"]);

        adapter.Connected = true;
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task TheFailureStatusIsConfigurable()
    {
        var adapter = new SwitchableAdapterFactory { Connected = false };
        await using var app = await StartAsync(adapter, failureStatus: HealthStatus.Degraded);
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, report.Entries["typedsockets"].Status);
    }

    private static async Task<WebApplication> StartAsync(SwitchableAdapterFactory? adapter, HealthStatus? failureStatus = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var sockets = builder.Services.AddTypedSockets();
        if (adapter is not null)
        {
            sockets.Services.Replace(ServiceDescriptor.Singleton<ISocketIOAdapterFactory>(adapter));
        }

        builder.Services.AddHealthChecks().AddTypedSockets(failureStatus: failureStatus);
        var app = builder.Build();
        app.MapSocketIO();
        await app.StartAsync();
        return app;
    }

    /// <summary>An in-memory adapter whose cluster connection the test switches off and on.</summary>
    private sealed class SwitchableAdapterFactory : ISocketIOAdapterFactory, ISocketIOAdapterHealth
    {
        private volatile bool _connected = true;

        public bool Connected
        {
            get => _connected;
            set => _connected = value;
        }

        public bool IsConnected => _connected;

        public string Status => _connected ? "switched on" : "switched off";

        public SocketIOAdapter Create(SocketIONamespace nsp) => new InMemoryAdapter(nsp);
    }
}
