using System.Collections.Concurrent;
using System.Diagnostics;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Redis.Internal;

/// <summary>
/// The requests a node waits answers for, and its broadcasts with acknowledgements, by request id. Timeouts run on
/// <paramref name="time"/>, the clock of the server the adapter is attached to.
/// </summary>
internal sealed class ClusterRequests(TimeProvider time)
{
    // The server's source (an adapter request is server work): one socketio.adapter.request span per request sent.
    private static readonly ActivitySource s_source = new(TypedSocketsTelemetry.ServerActivitySourceName);

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
        if (!s_source.HasListeners())
        {
            return await SendCoreAsync(requestId, operation, type, expected, publish, timeout, cancellationToken).ConfigureAwait(false);
        }

        using var activity = s_source.StartActivity("socketio.adapter.request", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.DisplayName = "socketio.adapter.request " + operation;
            activity.SetTag("socketio.adapter.operation", operation);
            activity.SetTag("socketio.adapter.request.id", requestId);
            activity.SetTag("socketio.adapter.servers", expected);
        }

        try
        {
            var responses = await SendCoreAsync(requestId, operation, type, expected, publish, timeout, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("socketio.adapter.responses", responses.Count);
            return responses;
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            if (activity.IsAllDataRequested)
            {
                activity.SetTag("error.type", e.GetType().FullName);
                activity.AddException(e);
            }

            throw;
        }
    }

    private async Task<List<Dictionary<string, object?>>> SendCoreAsync(
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
