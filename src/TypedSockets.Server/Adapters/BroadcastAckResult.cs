using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server;

/// <summary>The replies to an acknowledged broadcast.</summary>
public sealed class BroadcastAckResult
{
    internal BroadcastAckResult(IReadOnlyList<SocketIOArguments> responses, int expected)
    {
        Responses = responses;
        ExpectedCount = expected;
    }

    /// <summary>Every reply that arrived, in arrival order.</summary>
    public IReadOnlyList<SocketIOArguments> Responses { get; }

    /// <summary>How many sockets the broadcast reached.</summary>
    public int ExpectedCount { get; }

    /// <summary>True when every reached socket replied before the timeout.</summary>
    public bool IsComplete => Responses.Count >= ExpectedCount;

    /// <summary>How many sockets did not reply in time (or disconnected first).</summary>
    public int MissingCount => Math.Max(0, ExpectedCount - Responses.Count);

    /// <summary>The first argument of each reply as <typeparamref name="T"/>.</summary>
    public IReadOnlyList<T?> Values<T>()
    {
        var values = new T?[Responses.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Responses[i].Count > 0 ? Responses[i].Get<T>(0) : default;
        }

        return values;
    }
}
