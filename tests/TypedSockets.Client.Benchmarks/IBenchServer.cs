using TypedSockets;

namespace TypedSockets.Client.Benchmarks;

/// <summary>The reference server's "sink" events as a typed contract (node/server.mjs).</summary>
[SocketEvents]
public interface IBenchServer
{
    /// <summary>sink(42, "hello"): the server ignores it.</summary>
    void Sink(int n, string text);

    /// <summary>sink-ack: the server acknowledges with no arguments.</summary>
    [SocketEvent("sink-ack")]
    Task<int> SinkAck();
}
