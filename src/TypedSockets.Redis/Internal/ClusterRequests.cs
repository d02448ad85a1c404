using System.Collections.Concurrent;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Redis.Internal;

/// <summary>
/// The requests a node waits answers for, and its broadcasts with acknowledgements, by request id. Timeouts run on
/// <paramref name="time"/>, the clock of the server the adapter is attached to.
/// </summary>
internal sealed class ClusterRequests(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, PendingRequest> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AckRequest> _acks = new(StringComparer.Ordinal);

    private PendingRequest Start(string requestId, string operation, long type, int expected)
    {
        var request = new PendingRequest(operation, type, expected);
        _requests[requestId] = request;
        return request;
    }

    private void End(string requestId) => _requests.TryRemove(requestId, out _);

    /// <summary>
    /// Registers request <paramref name="requestId"/>, publishes it with <paramref name="publish"/> and waits for the
    /// answers of <paramref name="expected"/> other nodes; the request is forgotten however it ends.
    /// </summary>
    /// <exception cref="TimeoutException">The request could not be queued, or not every node answered in time.</exception>
    public async Task<List<Dictionary<string, object?>>> SendAsync(
        string requestId, string operation, long type, int expected, Func<bool> publish, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = Start(requestId, operation, type, expected);
        try
        {
            if (!publish())
            {
                throw new TimeoutException($"{operation}: the request could not be queued for Redis (queue full).");
            }

            return await pending.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            End(requestId);
        }
    }

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
        await Task.Delay(timeout, time).ConfigureAwait(false);
        _acks.TryRemove(requestId, out _);
    }

    internal sealed record AckRequest(Action<int> OnClientCount, Action<SocketIOArguments?> OnAck);
}
