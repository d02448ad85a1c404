namespace TypedSockets.Streaming;

/// <summary>
/// The streams of one socket, both directions: the producers this side runs for the peer and the streams it consumes
/// from the peer, with their credit windows and limits. Servers and clients create one per socket, feed it the reserved
/// <c>$stream:</c> events (<see cref="OnEvent"/>) and call <see cref="Abort"/> when the connection ends; generated code
/// reaches it through <see cref="SocketEventSink"/> and <see cref="SocketEventContext"/>. The wire protocol is in
/// docs/streaming.md. Thread safe.
/// </summary>
public sealed class SocketStreamHost
{
    private readonly SocketEventSink _sink;
    private readonly SocketStreamOptions _options;
    private readonly Func<ISocketEventArguments, int, SocketInvocationException?> _readError;
    private readonly Action<Exception>? _producerFailed;
    private readonly object _gate = new();
    private readonly Dictionary<long, OutgoingStream> _outgoing = new();
    private readonly Dictionary<long, IncomingStream> _incoming = new();
    private long _lastId;
    private string? _abortReason;

    /// <summary>Creates the streams of one socket.</summary>
    /// <param name="sink">Where the stream protocol's events go (the socket's own sink).</param>
    /// <param name="options">Window and limits.</param>
    /// <param name="readError">Reads an error object (<c>{"error":{"message","code"}}</c>) from argument <c>index</c>; null when it is not one.</param>
    /// <param name="producerFailed">Told about an exception a stream producer threw (for logging); the peer gets a generic error for it.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    public SocketStreamHost(SocketEventSink sink, SocketStreamOptions options, Func<ISocketEventArguments, int, SocketInvocationException?> readError, Action<Exception>? producerFailed = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(readError);
        _sink = sink;
        _options = options;
        _readError = readError;
        _producerFailed = producerFailed;
    }

    /// <summary>The reserved events of the stream protocol, which a socket routes to <see cref="OnEvent"/>.</summary>
    public static IReadOnlyList<string> EventNames { get; } =
        [SocketStreamEvents.Credit.Name, SocketStreamEvents.Item.Name, SocketStreamEvents.End.Name, SocketStreamEvents.Cancel.Name];

    /// <summary>True for a name of the stream protocol (the reserved prefix <c>$stream:</c>).</summary>
    public static bool IsStreamEvent(string eventName) => eventName is not null && eventName.StartsWith(SocketStreamEvents.Prefix, StringComparison.Ordinal);

    /// <summary>How many streams are open (both directions).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _outgoing.Count + _incoming.Count;
            }
        }
    }

    internal SocketStreamOptions Options => _options;

    internal SocketEventSink Sink => _sink;

    /// <summary>
    /// Handles one incoming event of the stream protocol. Malformed arguments and unknown ids never buffer anything:
    /// items for a stream this side does not consume are answered with <c>$stream:cancel</c>; the rest is ignored.
    /// </summary>
    /// <returns>False when <paramref name="eventName"/> is not a stream event.</returns>
    public bool OnEvent(string eventName, ISocketEventArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (!IsStreamEvent(eventName))
        {
            return false;
        }

        if (!TryRead(arguments, 0, out long id))
        {
            return true;
        }

        switch (eventName)
        {
            case SocketStreamEvents.CreditName:
                if (TryRead(arguments, 1, out int credit) && TryGetOutgoing(id) is { } producer)
                {
                    producer.AddCredit(credit);
                }

                break;
            case SocketStreamEvents.CancelName:
                TryGetOutgoing(id)?.Cancel();
                break;
            case SocketStreamEvents.ItemName:
                if (TryGetIncoming(id) is { } consumer)
                {
                    consumer.OnItems(arguments);
                }
                else
                {
                    SendCancel(id);
                }

                break;
            case SocketStreamEvents.EndName:
                if (TryGetIncoming(id) is { } ended)
                {
                    var error = arguments.Count > 1
                        ? _readError(arguments, 1) ?? new SocketInvocationException("The stream ended with an error.", SocketStreamEvents.ErrorCode)
                        : null;
                    ended.OnEnd(error);
                }

                break;
        }

        return true;
    }

    /// <summary>
    /// Ends every stream: producers see their token fire and their enumerators disposed, consumers' enumerations
    /// throw <see cref="SocketInvocationException"/> (code <c>disconnected</c>). Later streams are refused the same way.
    /// </summary>
    public void Abort(string reason)
    {
        OutgoingStream[] producers;
        IncomingStream[] consumers;
        lock (_gate)
        {
            _abortReason ??= reason ?? "disconnected";
            producers = [.. _outgoing.Values];
            consumers = [.. _incoming.Values];
            _outgoing.Clear();
            _incoming.Clear();
        }

        foreach (var producer in producers)
        {
            producer.Cancel();
        }

        var error = Disconnected(reason ?? "disconnected");
        foreach (var consumer in consumers)
        {
            consumer.Fail(error, sendCancel: false);
        }
    }

    private static SocketInvocationException Disconnected(string reason) =>
        new("The connection closed (" + reason + ") while the stream was open.", SocketStreamEvents.DisconnectedCode);

    private static SocketInvocationException Limit(int max) =>
        new("Too many open streams on this connection (the limit is " + max + ").", SocketStreamEvents.LimitCode);

    /// <summary>Registers a stream this side produces; its id is allocated here.</summary>
    internal OutgoingStream AddOutgoing(CancellationTokenSource? cancellation)
    {
        lock (_gate)
        {
            if (_abortReason is { } reason)
            {
                throw Disconnected(reason);
            }

            if (_outgoing.Count + _incoming.Count >= _options.MaxStreams)
            {
                throw Limit(_options.MaxStreams);
            }

            var stream = new OutgoingStream(this, ++_lastId, cancellation ?? new CancellationTokenSource());
            _outgoing.Add(stream.Id, stream);
            return stream;
        }
    }

    /// <summary>Registers a stream the peer produces under the id it chose; refused (and cancelled) past the limit or on a duplicate id.</summary>
    internal IncomingStream<T> AddIncoming<T>(long id)
    {
        SocketInvocationException refusal;
        lock (_gate)
        {
            if (_abortReason is { } reason)
            {
                throw Disconnected(reason);
            }

            if (_incoming.ContainsKey(id))
            {
                refusal = new SocketInvocationException("Stream id " + id + " is already open.", SocketStreamEvents.ProtocolCode);
            }
            else if (_outgoing.Count + _incoming.Count >= _options.MaxStreams)
            {
                refusal = Limit(_options.MaxStreams);
            }
            else
            {
                var stream = new IncomingStream<T>(this, id);
                _incoming.Add(id, stream);
                return stream;
            }
        }

        SendCancel(id);
        throw refusal;
    }

    internal void Remove(OutgoingStream stream)
    {
        lock (_gate)
        {
            if (_outgoing.TryGetValue(stream.Id, out var current) && current == stream)
            {
                _outgoing.Remove(stream.Id);
            }
        }
    }

    internal void Remove(IncomingStream stream)
    {
        lock (_gate)
        {
            if (_incoming.TryGetValue(stream.Id, out var current) && current == stream)
            {
                _incoming.Remove(stream.Id);
            }
        }
    }

    private OutgoingStream? TryGetOutgoing(long id)
    {
        lock (_gate)
        {
            return _outgoing.TryGetValue(id, out var stream) ? stream : null;
        }
    }

    private IncomingStream? TryGetIncoming(long id)
    {
        lock (_gate)
        {
            return _incoming.TryGetValue(id, out var stream) ? stream : null;
        }
    }

    internal void ReportProducerFailure(Exception error) => _producerFailed?.Invoke(error);

    internal SocketInvocationException? ReadError(ISocketEventArguments arguments, int index) => _readError(arguments, index);

    internal bool SendCredit(long id, int credit)
    {
        var writer = _sink.BeginEvent(SocketStreamEvents.Credit);
        writer.WriteInt64(id);
        writer.WriteInt32(credit);
        return _sink.Send(writer);
    }

    internal bool SendCancel(long id)
    {
        var writer = _sink.BeginEvent(SocketStreamEvents.Cancel);
        writer.WriteInt64(id);
        return _sink.Send(writer);
    }

    internal bool SendItem<T>(long id, T item)
    {
        var writer = _sink.BeginEvent(SocketStreamEvents.Item);
        writer.WriteInt64(id);
        writer.Write(item);
        return _sink.Send(writer);
    }

    internal bool SendEnd(long id, SocketInvocationException? error)
    {
        var writer = _sink.BeginEvent(SocketStreamEvents.End);
        writer.WriteInt64(id);
        if (error is not null)
        {
            writer.WriteError(error.Message, error.Code);
        }

        return _sink.Send(writer);
    }

    private static bool TryRead<T>(ISocketEventArguments arguments, int index, out T value)
    {
        value = default!;
        if (index >= arguments.Count)
        {
            return false;
        }

        try
        {
            value = arguments.Get<T>(index)!;
            return true;
        }
        catch (Exception)
        {
            // A malformed control event (a hostile or buggy peer): ignored, nothing is buffered for it.
            return false;
        }
    }
}
