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
    private int _creditCap;
    private TaskCompletionSource<bool>? _waiter;
    private IDisposable? _startTimer;
    private SocketInvocationException? _failure;

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

    /// <summary>Credit the producer holds (tests: a flood of credit never raises it past the window).</summary>
    internal int Credit
    {
        get
        {
            lock (_gate)
            {
                return _credit;
            }
        }
    }

    /// <summary>
    /// Starts the start timeout (<see cref="SocketStreamOptions.StartTimeout"/>): without a first credit by then the
    /// stream ends with <c>stream_timeout</c>.
    /// </summary>
    public void StartTimer(Func<Action, TimeSpan, IDisposable> schedule, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        var timer = schedule(OnStartTimeout, timeout);
        lock (_gate)
        {
            if (_creditCap == 0 && _failure is null)
            {
                _startTimer = timer;
                return;
            }
        }

        timer.Dispose();
    }

    private void OnStartTimeout()
    {
        lock (_gate)
        {
            if (_creditCap != 0 || _failure is not null)
            {
                return;
            }

            _failure = new SocketInvocationException(
                "The consumer granted no credit within " + _host.Options.StartTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + " s.",
                SocketStreamEvents.TimeoutCode);
        }

        Cancel();
    }

    /// <summary>
    /// Credit from the consumer. The first grant is the consumer's window (at most
    /// <see cref="SocketStreamOptions.MaxWindowSize"/>); the credit held never exceeds it, so a flood of credit buys no burst.
    /// </summary>
    public void AddCredit(int credit)
    {
        if (credit <= 0)
        {
            return;
        }

        TaskCompletionSource<bool>? waiter;
        IDisposable? timer;
        lock (_gate)
        {
            if (_creditCap == 0)
            {
                _creditCap = Math.Min(credit, SocketStreamOptions.MaxWindowSize);
            }

            _credit = (int)Math.Min((long)_credit + credit, _creditCap);
            waiter = _waiter;
            _waiter = null;
            timer = _startTimer;
            _startTimer = null;
        }

        timer?.Dispose();
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
                        // Disconnected: nobody is left to tell. The pump can see the closed socket before the
                        // socket's Abort reaches this stream (which is then already removed), so the producer's token
                        // is fired here as Abort would: a disconnect always fires it, whichever side sees it first.
                        silent = true;
                        Cancel();
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
            // Cancelled by the consumer or the connection: silent. Timed out waiting for a first credit: say so.
            lock (_gate)
            {
                error = _failure;
            }

            silent = error is null;
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
            IDisposable? timer;
            lock (_gate)
            {
                timer = _startTimer;
                _startTimer = null;
            }

            timer?.Dispose();
            _host.Remove(this);
        }

        if (!silent)
        {
            _host.SendEnd(Id, error);
        }

        _cancellation.Dispose();
    }
}
