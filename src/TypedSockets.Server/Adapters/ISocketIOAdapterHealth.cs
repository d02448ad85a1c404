namespace TypedSockets.Server.Adapters;

/// <summary>
/// Implemented by an adapter factory (or adapter) that depends on a connection to its cluster, such as the Redis
/// adapters: the TypedSockets health check (<c>services.AddHealthChecks().AddTypedSockets()</c>) reports Unhealthy while
/// <see cref="IsConnected"/> is false. Members are read from any thread and must not block.
/// </summary>
public interface ISocketIOAdapterHealth
{
    /// <summary>True while the adapter can exchange messages with the other servers of its cluster.</summary>
    bool IsConnected { get; }

    /// <summary>A short, human readable state for the health report, e.g. "Redis subscriber connected to 127.0.0.1:6379".</summary>
    string Status { get; }
}
