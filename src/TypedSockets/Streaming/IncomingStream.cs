namespace TypedSockets.Streaming;

/// <summary>A stream the peer produces and this side consumes, as the host sees it (without its item type).</summary>
internal abstract class IncomingStream
{
    protected IncomingStream(long id)
    {
        Id = id;
    }

    public long Id { get; }

    /// <summary>A <c>$stream:item</c> event: arguments 1.. are items.</summary>
    public abstract void OnItems(ISocketEventArguments arguments);

    /// <summary>A <c>$stream:end</c> event, with the producer's error if it failed.</summary>
    public abstract void OnEnd(SocketInvocationException? error);

    /// <summary>Ends the stream with <paramref name="error"/>; tells the producer to stop when <paramref name="sendCancel"/>.</summary>
    public abstract void Fail(Exception error, bool sendCancel);

    /// <summary>The consumer is done with the stream (enumerated, abandoned, or its handler returned).</summary>
    public abstract void Close();
}

/// <summary>
/// A consumed stream of <typeparamref name="T"/>: a buffer bounded by the credit window. The window is granted when the
/// enumeration starts; every half window consumed is granted again, so <c>credit in flight + buffered &lt;= window</c>.
/// A producer that sends past its credit ends the stream (<c>stream_overflow</c>) and is cancelled. Enumerable once.
/// </summary>
internal sealed class IncomingStream<T> : IncomingStream, IAsyncEnumerable<T>
{
    private readonly SocketStreamHost _host;
    private readonly object _gate = new();
    private readonly Queue<T> _items = new();
    private readonly int _window;
    private int _outstanding;
    private int _consumed;
    private bool _started;
    private bool _ended;
    private bool _closed;
    private Exception? _error;
    private TaskCompletionSource<bool>? _waiter;

    public IncomingStream(SocketStreamHost host, long id)
        : base(id)
    {
        _host = host;
        _window = host.Options.WindowSize;
    }

    public override void OnItems(ISocketEventArguments arguments)
    {
        Exception? failure = null;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            for (var i = 1; i < arguments.Count; i++)
            {
                if (_outstanding == 0)
                {
                    failure = new SocketInvocationException("The peer sent more stream items than the " + _window + " it was granted.", SocketStreamEvents.OverflowCode);
                    break;
                }

                T item;
                try
                {
                    item = arguments.Get<T>(i)!;
                }
                catch (Exception e)
                {
                    failure = e;
                    break;
                }

                _outstanding--;
                _items.Enqueue(item);
            }
        }

        if (failure is not null)
        {
            Fail(failure, sendCancel: true);
        }
        else
        {
            Signal();
        }
    }

    public override void OnEnd(SocketInvocationException? error)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _error = error;
        }

        _host.Remove(this);
        Signal();
    }

    public override void Fail(Exception error, bool sendCancel)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _error = error;
            _items.Clear();
        }

        _host.Remove(this);
        if (sendCancel)
        {
            _host.SendCancel(Id);
        }

        Signal();
    }

    public override void Close()
    {
        bool cancel;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            cancel = !_ended;
            _ended = true;
            _error ??= new ObjectDisposedException("stream", "The stream was closed by its consumer.");
            _items.Clear();
        }

        _host.Remove(this);
        if (cancel)
        {
            _host.SendCancel(Id);
        }

        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult(true);
    }

    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("A socket stream can be enumerated only once.");
            }

            _started = true;
            if (!_ended)
            {
                _outstanding = _window;
            }
        }

        try
        {
            using var registration = cancellationToken.CanBeCanceled
                ? cancellationToken.Register(static state => ((IncomingStream<T>)state!).Signal(), this)
                : default;
            _host.SendCredit(Id, _window);
            while (true)
            {
                T item = default!;
                Task? wait = null;
                Exception? error = null;
                var done = false;
                var grant = 0;
                lock (_gate)
                {
                    if (_items.Count > 0)
                    {
                        item = _items.Dequeue();
                        if (!_ended && ++_consumed >= Math.Max(1, _window / 2))
                        {
                            grant = _consumed;
                            _outstanding += grant;
                            _consumed = 0;
                        }
                    }
                    else if (_ended)
                    {
                        done = true;
                        error = _error;
                    }
                    else if (!cancellationToken.IsCancellationRequested)
                    {
                        _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                        wait = _waiter.Task;
                    }
                }

                if (done)
                {
                    if (error is not null)
                    {
                        // A fresh exception per throw: the stored one may be observed by several enumerations' callers.
                        throw error is SocketInvocationException invocation ? new SocketInvocationException(invocation.Message, invocation.Code) : error;
                    }

                    yield break;
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (wait is not null)
                {
                    await wait.ConfigureAwait(false);
                    continue;
                }

                if (grant > 0)
                {
                    _host.SendCredit(Id, grant);
                }

                yield return item;
            }
        }
        finally
        {
            Close();
        }
    }
}
