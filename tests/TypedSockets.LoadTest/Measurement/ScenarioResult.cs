using System.Text.Json.Serialization;

namespace TypedSockets.LoadTest.Measurement;

/// <summary>One run of one scenario against one target: a line of the results file.</summary>
public sealed record ScenarioResult
{
    public required string Target { get; init; }

    public required string Scenario { get; init; }

    /// <summary>"closed" (one outstanding per client) or "rate=R".</summary>
    public required string Mode { get; init; }

    public required int Clients { get; init; }

    public int Repeat { get; init; }

    /// <summary>Clients that connected (and finished the protocol handshake).</summary>
    public int Connected { get; init; }

    /// <summary>Connections that failed, requests lost, deliveries missing.</summary>
    public long Failures { get; init; }

    /// <summary>Round-trips, deliveries or handshakes counted in the measured window.</summary>
    public long Operations { get; init; }

    public double Seconds { get; init; }

    public double PerSecond => Seconds > 0 ? Operations / Seconds : 0;

    public double? P50Us { get; init; }

    public double? P99Us { get; init; }

    public double? P999Us { get; init; }

    /// <summary>Server CPU seconds (user + system) during the measured window.</summary>
    public double? ServerCpuSeconds { get; init; }

    /// <summary>The load tool's own CPU seconds during the measured window (is the client the bottleneck?).</summary>
    public double? ClientCpuSeconds { get; init; }

    /// <summary>Server CPU seconds per 1,000 operations (numerically equal to CPU milliseconds per operation).</summary>
    public double? CpuSecondsPer1k => ServerCpuSeconds is { } cpu && Operations > 0 ? cpu * 1000 / Operations : null;

    public double? RssBytesPerConnection { get; init; }

    public double? HeapBytesPerConnection { get; init; }

    public double LoadAverage { get; init; }

    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    public override string ToString() =>
        $"{Target} {Scenario} {Mode} n={Clients} connected={Connected} failures={Failures} ops={Operations} " +
        $"rate={PerSecond:F0}/s p50={P50Us:F0}us p99={P99Us:F0}us p999={P999Us:F0}us " +
        $"cpu={ServerCpuSeconds:F2}s client-cpu={ClientCpuSeconds:F2}s cpu/1k={CpuSecondsPer1k:F4}s rss/conn={RssBytesPerConnection:F0}B heap/conn={HeapBytesPerConnection:F0}B load={LoadAverage:F2}";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScenarioResult))]
internal sealed partial class ResultJsonContext : JsonSerializerContext;
