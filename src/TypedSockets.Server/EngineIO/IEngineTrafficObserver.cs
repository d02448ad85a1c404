namespace TypedSockets.Server.EngineIO;

/// <summary>
/// Internal hooks into an <see cref="EngineIOServer"/>'s traffic for instrumentation (the Admin UI's aggregated events).
/// Null on the server when nothing observes it. Called from transport loops: thread safe, cheap, never throwing.
/// </summary>
internal interface IEngineTrafficObserver
{
    /// <summary>Packets and payload bytes received from a client.</summary>
    void Received(long packets, long bytes);

    /// <summary>Packets and payload bytes sent to a client.</summary>
    void Sent(long packets, long bytes);

    /// <summary>A session moved from long-polling to WebSocket.</summary>
    void Upgraded(EngineConnection connection);
}
