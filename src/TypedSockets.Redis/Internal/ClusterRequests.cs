using System.Collections.Concurrent;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Redis.Internal;

/// <summary>The requests a node waits answers for, and its broadcasts with acknowledgements, by request id.</summary>
internal sealed class ClusterRequests
{
    private readonly ConcurrentDictionary<string, PendingRequest> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AckRequest> _acks = new(StringComparer.Ordinal);

    public PendingRequest Start(string requestId, string operation, long type, int expected)
    {
        var request = new PendingRequest(operation, type, expected);
        _requests[requestId] = request;
        return request;
    }

    public void End(string requestId) => _requests.TryRemove(requestId, out _);

    public bool IsOwn(string? requestId) => requestId is not null && (_requests.ContainsKey(requestId) || _acks.ContainsKey(requestId));

    public PendingRequest? Find(string? requestId) => requestId is not null && _requests.TryGetValue(requestId, out var request) ? request : null;

    /// <summary>Keeps the callbacks of an acknowledged broadcast until <paramref name="timeout"/>, as the reference does.</summary>
    public void StartAck(string requestId, Action<int> onClientCount, Action<SocketIOArguments?> onAck, TimeSpan timeout)
    {
        _acks[requestId] = new AckRequest(onClientCount, onAck);
        _ = ExpireAsync(requestId, timeout);
    }

    public AckRequest? FindAck(string? requestId) => requestId is not null && _acks.TryGetValue(requestId, out var ack) ? ack : null;

    private async Task ExpireAsync(string requestId, TimeSpan timeout)
    {
        await Task.Delay(timeout).ConfigureAwait(false);
        _acks.TryRemove(requestId, out _);
    }

    internal sealed record AckRequest(Action<int> OnClientCount, Action<SocketIOArguments?> OnAck);
}
