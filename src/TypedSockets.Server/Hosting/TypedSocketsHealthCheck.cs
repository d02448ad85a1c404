using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TypedSockets.Server.Adapters;

namespace TypedSockets.Server.Hosting;

/// <summary>
/// The state of the application's Socket.IO servers: Unhealthy while a cluster adapter (<see cref="ISocketIOAdapterHealth"/>)
/// is disconnected, Degraded while a server drains at shutdown, Healthy otherwise (also before any server is mapped).
/// </summary>
internal sealed class TypedSocketsHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var servers = services.GetService<SocketIOServerRegistry>()?.Servers ?? [];
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var connections = 0;
        var stopping = 0;
        List<ISocketIOAdapterHealth> adapters = [];
        foreach (var server in servers)
        {
            if (server.Engine is { } engine)
            {
                connections += engine.Count;
                if (engine.IsStopping)
                {
                    stopping++;
                }
            }

            if (server.AdapterFactory is ISocketIOAdapterHealth health && !adapters.Contains(health))
            {
                adapters.Add(health);
            }
        }

        if (adapters.Count == 0 && services.GetService<ISocketIOAdapterFactory>() is ISocketIOAdapterHealth registered)
        {
            adapters.Add(registered);
        }

        data["servers"] = servers.Count;
        data["connections"] = connections;
        string? down = null;
        for (var i = 0; i < adapters.Count; i++)
        {
            var status = adapters[i].Status;
            data[adapters.Count == 1 ? "adapter" : "adapter" + i] = status;
            if (!adapters[i].IsConnected)
            {
                down ??= status;
            }
        }

        HealthCheckResult result;
        if (down is not null)
        {
            result = new HealthCheckResult(context.Registration.FailureStatus, "The cluster adapter is disconnected: " + down, data: data);
        }
        else if (stopping > 0)
        {
            result = HealthCheckResult.Degraded($"{stopping} Socket.IO server(s) shutting down: connections are closing and new ones are refused.", data: data);
        }
        else
        {
            result = HealthCheckResult.Healthy($"{servers.Count} Socket.IO server(s), {connections} connection(s).", data);
        }

        return Task.FromResult(result);
    }
}
