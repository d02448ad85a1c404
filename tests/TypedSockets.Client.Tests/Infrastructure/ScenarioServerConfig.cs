namespace TypedSockets.Client.Tests.Infrastructure;

/// <summary>How a test wants its server: short heartbeats so losses show quickly, transports, recovery.</summary>
public sealed record ScenarioServerConfig
{
    public int PingIntervalMs { get; init; } = 500;

    public int PingTimeoutMs { get; init; } = 1000;

    public bool AllowPolling { get; init; } = true;

    public bool AllowWebSocket { get; init; } = true;

    public bool Recovery { get; init; }
}

/// <summary>A server running the client scenarios: the Node reference or ours. Restartable on the same port.</summary>
public interface IScenarioServer : IAsyncDisposable
{
    string Name { get; }

    Uri Uri { get; }

    /// <summary>Stops the server abruptly (the Node process is killed; ours stops its host).</summary>
    Task StopAsync();

    /// <summary>Starts it again on the same port.</summary>
    Task StartAgainAsync();
}
