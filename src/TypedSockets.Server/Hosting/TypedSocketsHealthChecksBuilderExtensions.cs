using Microsoft.Extensions.Diagnostics.HealthChecks;
using TypedSockets.Server.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the TypedSockets health check.</summary>
public static class TypedSocketsHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the application's Socket.IO servers, e.g.
    /// <c>builder.Services.AddHealthChecks().AddTypedSockets()</c> then <c>app.MapHealthChecks("/healthz")</c>: it
    /// reports <paramref name="failureStatus"/> (Unhealthy by default) while a cluster adapter such as the Redis adapter
    /// is disconnected, Degraded while a server drains at shutdown, and Healthy otherwise.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The name of the check in health reports.</param>
    /// <param name="failureStatus">The status reported while the adapter is disconnected; Unhealthy when null.</param>
    /// <param name="tags">Tags for filtering checks (e.g. "ready").</param>
    public static IHealthChecksBuilder AddTypedSockets(
        this IHealthChecksBuilder builder, string name = "typedsockets", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.Add(new HealthCheckRegistration(name, static sp => new TypedSocketsHealthCheck(sp), failureStatus, tags));
    }
}
