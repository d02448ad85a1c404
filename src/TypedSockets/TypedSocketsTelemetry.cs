namespace TypedSockets;

/// <summary>
/// The names under which TypedSockets publishes traces (<c>ActivitySource</c>) and metrics
/// (<c>Meter</c>), for subscribing with OpenTelemetry
/// (<c>AddSource(TypedSocketsTelemetry.ServerActivitySourceName)</c>, <c>AddMeter(TypedSocketsTelemetry.ServerMeterName)</c>)
/// or any <c>ActivityListener</c> / <c>MeterListener</c>.
/// </summary>
public static class TypedSocketsTelemetry
{
    /// <summary>The activity source of the server (<c>TypedSockets.Server</c>).</summary>
    public const string ServerActivitySourceName = "TypedSockets.Server";

    /// <summary>The activity source of the .NET client (<c>TypedSockets.Client</c>).</summary>
    public const string ClientActivitySourceName = "TypedSockets.Client";

    /// <summary>The meter of the server's Engine.IO and Socket.IO instruments (<c>TypedSockets.Server</c>).</summary>
    public const string ServerMeterName = "TypedSockets.Server";

    /// <summary>The meter of the .NET client's instruments (<c>TypedSockets.Client</c>).</summary>
    public const string ClientMeterName = "TypedSockets.Client";

    /// <summary>The meter of the Redis adapters' instruments (<c>TypedSockets.Redis</c>).</summary>
    public const string RedisMeterName = "TypedSockets.Redis";
}
