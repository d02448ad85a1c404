namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>Every wait in the conformance kit is bounded, so a broken server fails fast instead of hanging.</summary>
public static class Timeouts
{
    /// <summary>Waiting for one expected WebSocket message or polling payload.</summary>
    public static readonly TimeSpan Receive = TimeSpan.FromSeconds(3);

    /// <summary>Waiting for a connection to be closed by the server.</summary>
    public static readonly TimeSpan Close = TimeSpan.FromSeconds(2);

    /// <summary>Opening a WebSocket.</summary>
    public static readonly TimeSpan Connect = TimeSpan.FromSeconds(3);

    /// <summary>One HTTP request (a parked GET returns within pingInterval at the latest).</summary>
    public static readonly TimeSpan Http = TimeSpan.FromSeconds(3);
}
