namespace TypedSockets.Redis.Internal;

/// <summary>A request to the other nodes waiting for a known number of responses, with a deadline.</summary>
internal sealed class PendingRequest
{
    private readonly Lock _sync = new();
    private readonly List<Dictionary<string, object?>> _responses = [];
    private readonly TaskCompletionSource<List<Dictionary<string, object?>>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingRequest(string operation, long type, int expected)
    {
        Operation = operation;
        Type = type;
        Expected = expected;
    }

    public string Operation { get; }

    public long Type { get; }

    public int Expected { get; }

    public void Add(Dictionary<string, object?> response)
    {
        lock (_sync)
        {
            _responses.Add(response);
            if (_responses.Count >= Expected)
            {
                _done.TrySetResult([.. _responses]);
            }
        }
    }

    /// <exception cref="TimeoutException">Not every response arrived in time.</exception>
    public async Task<List<Dictionary<string, object?>>> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return await _done.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            int received;
            lock (_sync)
            {
                received = _responses.Count;
            }

            throw new TimeoutException($"timeout reached while waiting for {Operation} responses: only {received} received out of {Expected} after {timeout.TotalMilliseconds:0} ms.");
        }
    }
}
