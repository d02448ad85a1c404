namespace TypedSockets.Server;

/// <summary>
/// Connection state recovery: a client whose connection drops for a recoverable reason reconnects with the same
/// socket id, rooms and data, and receives the broadcasts it missed meanwhile.
/// </summary>
public sealed class ConnectionStateRecoveryOptions
{
    /// <summary>How long a disconnected session (and the packets it may need) is kept. Default 2 minutes.</summary>
    public TimeSpan MaxDisconnectionDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether a recovered socket skips the connect middlewares. Default true, as in the reference.</summary>
    public bool SkipMiddlewares { get; set; } = true;

    /// <summary>
    /// Most broadcast packets kept for replay per namespace; the oldest are dropped past it (a session that would need
    /// them starts afresh instead). Bounds memory under bursts. Default 10,000.
    /// </summary>
    public int MaxStoredPackets { get; set; } = 10_000;
}
