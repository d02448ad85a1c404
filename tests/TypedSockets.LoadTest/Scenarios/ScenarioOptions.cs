using System.Net;

namespace TypedSockets.LoadTest.Scenarios;

/// <summary>What every scenario needs to know about the run.</summary>
public sealed record ScenarioOptions
{
    /// <summary>A label for the results (e.g. "typedsockets-json", "node", "signalr", "raw").</summary>
    public required string Target { get; init; }

    /// <summary>socketio, signalr or raw.</summary>
    public required string Protocol { get; init; }

    public IPEndPoint Server { get; init; } = new(IPAddress.Loopback, 5000);

    /// <summary>Connections are spread over 127.0.0.1 .. 127.0.0.&lt;Sources&gt; as source addresses.</summary>
    public int Sources { get; init; } = 8;

    public int Clients { get; init; } = 1000;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Echo requests per second over all clients; 0 = closed loop (one outstanding per client).</summary>
    public int Rate { get; init; }

    public int PayloadBytes { get; init; } = 32;

    /// <summary>Handshakes in flight at once while connecting.</summary>
    public int ConnectConcurrency { get; init; } = 64;

    /// <summary>How long a client may take from TCP connect to a finished protocol handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Idle: how long connections are held before memory is read.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Idle: at most this many connections per load-tool process; more are split over child processes.</summary>
    public int ConnectionsPerProcess { get; init; } = 15_000;

    public int? ServerPid { get; init; }

    /// <summary>The target's /stats endpoint (managed heap after a full GC).</summary>
    public Uri? StatsUri { get; init; }

    public int Repeat { get; init; }

    /// <summary>Startup: the server's command line (program and arguments), started and killed by the scenario.</summary>
    public IReadOnlyList<string>? ServerCommand { get; init; }

    /// <summary>Startup: "idle" (hold the clients, read the RSS) or "echo" (closed-loop echo until Duration after the start).</summary>
    public string StartupMode { get; init; } = "echo";

    /// <summary>Startup: the server's publish folder, measured as the deployed size.</summary>
    public string? PublishDirectory { get; init; }

    public IPAddress SourceAddress(int index) =>
        Sources <= 1 ? IPAddress.Loopback : new IPAddress([127, 0, 0, (byte)(1 + (index % Math.Min(Sources, 250)))]);
}
