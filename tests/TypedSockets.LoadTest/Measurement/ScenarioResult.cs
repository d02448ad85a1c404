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

    /// <summary>Startup: milliseconds from starting the server process to its first answered protocol handshake.</summary>
    public double? StartupMs { get; init; }

    /// <summary>
    /// Startup: the server's CPU time (user + system, all threads) until its first answered handshake, in ms. Unlike
    /// <see cref="StartupMs"/> it hardly changes when other processes compete for the core.
    /// </summary>
    public double? StartupCpuMs { get; init; }

    /// <summary>Startup: the server's RSS at its first answered handshake.</summary>
    public long? RssStartBytes { get; init; }

    /// <summary>Startup: the server's RSS at the end (idle: with the clients held; echo: after the run).</summary>
    public long? RssBytes { get; init; }

    /// <summary>Startup: milliseconds from the process start until every client had finished its handshake.</summary>
    public double? ConnectedMs { get; init; }

    /// <summary>Startup: the publish folder's size without debug symbols.</summary>
    public long? DeployBytes { get; init; }

    /// <summary>Startup echo: round-trips completed in each second since the server process started.</summary>
    public long[]? Buckets { get; init; }

    /// <summary>Startup echo: the server's CPU in each second since its start, in cores (1.0 = one core busy).</summary>
    public double[]? ServerCpuBuckets { get; init; }

    /// <summary>Startup echo: the load tool's CPU in each second since the server's start, in cores.</summary>
    public double[]? ClientCpuBuckets { get; init; }

    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    public override string ToString() =>
        $"{Target} {Scenario} {Mode} n={Clients} connected={Connected} failures={Failures} ops={Operations} " +
        $"rate={PerSecond:F0}/s p50={P50Us:F0}us p99={P99Us:F0}us p999={P999Us:F0}us " +
        $"cpu={ServerCpuSeconds:F2}s client-cpu={ClientCpuSeconds:F2}s cpu/1k={CpuSecondsPer1k:F4}s rss/conn={RssBytesPerConnection:F0}B heap/conn={HeapBytesPerConnection:F0}B load={LoadAverage:F2}" +
        (StartupMs is { } startup ? $" startup={startup:F0}ms startup-cpu={StartupCpuMs:F0}ms rss-start={RssStartBytes / 1048576.0:F1}MiB rss-end={RssBytes / 1048576.0:F1}MiB connected-at={ConnectedMs:F0}ms" : "");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScenarioResult))]
internal sealed partial class ResultJsonContext : JsonSerializerContext;
