namespace TypedSockets.LoadTest.Scenarios;

/// <summary>
/// The soak scenario's traffic. Rates are totals over all clients; null rates scale with the client count (at 10,000
/// clients: 1,000 acknowledged requests/s, 20 room broadcasts/s over 200 rooms, 50 joins or leaves/s, 100 reconnects/s).
/// </summary>
public sealed record SoakOptions
{
    /// <summary>Rooms <c>r0</c>..; null = max(4, clients / 50).</summary>
    public int? Rooms { get; init; }

    /// <summary>Acknowledged <c>request</c> calls per second; null = clients / 10.</summary>
    public double? RequestRate { get; init; }

    /// <summary>Room broadcasts (<c>publish</c> calls) per second; null = max(1, clients / 500).</summary>
    public double? PublishRate { get; init; }

    /// <summary>Joins and leaves per second; null = max(1, clients / 200).</summary>
    public double? JoinLeaveRate { get; init; }

    /// <summary>Percent of the clients that drop their transport abruptly per second (default 1).</summary>
    public double ChurnPercentPerSecond { get; init; } = 1;

    /// <summary>
    /// How long a dropped client waits before it reconnects, randomized to 0.5 to 1.5 times this as socket.io-client
    /// does (default 1 s, the client's default reconnectionDelay).
    /// </summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Awaited (with the dropped session's id) after the delay and before a dropped client reconnects, or null. The short
    /// test waits there until its in-process server has handled the disconnect: a reconnect that overtakes it finds no
    /// session to recover (the server keeps a session when it sees the transport close), which the long run's delay makes rare.
    /// </summary>
    public Func<string, CancellationToken, Task>? BeforeReconnect { get; init; }

    /// <summary>An acknowledgement not received within this time is counted lost (default 30 s).</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The server's connection state recovery window (the target's default, 2 minutes): an offset older than it cannot be recovered, by design.</summary>
    public TimeSpan RecoveryWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the server's RSS and CPU are sampled (default 5 s).</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Largest RSS slope after the warm-up, in MiB per minute, that still passes (default 2). Checked only with at least
    /// ten samples after the warm-up.
    /// </summary>
    public double MaxRssSlopeMiBPerMinute { get; init; } = 2;

    /// <summary>The seed of the scenario's choices (which client, which room).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Where the RSS samples go as CSV, or null.</summary>
    public string? CsvPath { get; init; }

    /// <summary>Where the RSS chart goes as PNG, or null.</summary>
    public string? ChartPath { get; init; }
}
