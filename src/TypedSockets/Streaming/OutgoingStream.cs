namespace TypedSockets.Streaming;

/// <summary>
/// A stream this side produces: items go out only against the consumer's credit (the enumerator is not even advanced
/// without it), so a slow consumer holds the producer still. Ends with <c>$stream:end</c>, or silently when the consumer
/// cancelled or the connection closed (then <see cref="Token"/> fires and the enumerator is disposed).
/// </summary>
internal sealed class OutgoingStream
{
    private readonly SocketStreamHost _host;
    private readonly CancellationTokenSource _cancellation;
    private readonly object _gate = new();
    private int _credit;
    private TaskCompletionSource<bool>? _waiter;

    public OutgoingStream(SocketStreamHost host, long id, CancellationTokenSource cancellation)
    {
        _host = host;
        Id = id;
        _cancellation = cancellation;
        Token = cancellation.Token;
    }

    public long Id { get; }

    /// <summary>Fires when the consumer cancels or the connection closes.</summary>
    public CancellationToken Token { get; }

    public void AddCredit(int credit)
    {
        if (credit <= 0)
        {
            return;
        }

        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            _credit = (int)Math.Min((long)_credit + credit, int.MaxValue);
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult(true);
    }

    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The producer already finished.
        }

        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult(false);
    }

    /// <summary>Takes one credit, waiting for the consumer to grant it; throws when the stream is cancelled.</summary>
    private async ValueTask TakeCreditAsync()
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                Token.ThrowIfCancellationRequested();
                if (_credit > 0)
                {
                    _credit--;
                    return;
                }

                _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>Runs the producer to its end; never throws (failures go to the consumer as <c>$stream:end</c> with an error).</summary>
    public async Task RunAsync<T>(IAsyncEnumerable<T> items)
    {
        SocketInvocationException? error = null;
        var silent = false;
        try
        {
            await TakeCreditAsync().ConfigureAwait(false);
            var enumerator = items.GetAsyncEnumerator(Token);
            try
            {
                while (await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    if (!_host.SendItem(Id, enumerator.Current))
                    {
                        // Disconnected: Abort cancels the stream too; nobody is left to tell.
                        silent = true;
                        break;
                    }

                    await TakeCreditAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
            silent = true;
        }
        catch (Exception e)
        {
            error = e as SocketInvocationException ?? new SocketInvocationException("The stream failed.", SocketStreamEvents.ErrorCode);
            if (e is not SocketInvocationException)
            {
                _host.ReportProducerFailure(e);
            }
        }
        finally
        {
            _host.Remove(this);
        }

        if (!silent)
        {
            _host.SendEnd(Id, error);
        }

        _cancellation.Dispose();
    }
}
