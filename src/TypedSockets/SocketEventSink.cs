namespace TypedSockets;

/// <summary>
/// Where a generated emitter for one peer sends its events: a server-side socket or a client connection.
/// </summary>
public abstract class SocketEventSink
{
    /// <summary>Starts an event: rents a writer for its arguments.</summary>
    public abstract SocketEventWriter BeginEvent(SocketEventName name);

    /// <summary>Sends the event whose arguments <paramref name="writer"/> holds, without waiting for an acknowledgement.</summary>
    /// <returns>False when the peer is disconnected (the event is dropped).</returns>
    public abstract bool Send(SocketEventWriter writer);

    /// <summary>
    /// Sends the event and waits for the peer's acknowledgement; returns its first argument as <typeparamref name="T"/>.
    /// <paramref name="cancellationToken"/> stops waiting.
    /// </summary>
    public abstract Task<T> SendWithAckAsync<T>(SocketEventWriter writer, CancellationToken cancellationToken);

    /// <summary>The streams of the socket this sink sends to; null (the default) when the sink does not support streams.</summary>
    protected virtual Streaming.SocketStreamHost? Streams => null;

    /// <summary>
    /// Sends the event with an acknowledgement and returns the acknowledgement's arguments as they arrived (stream
    /// invocations read a stream id or an error from them). Sinks that support streams override it.
    /// </summary>
    /// <exception cref="NotSupportedException">The sink does not support streams.</exception>
    protected virtual Task<ISocketEventArguments> SendWithAckAsync(SocketEventWriter writer, CancellationToken cancellationToken) =>
        throw new NotSupportedException(GetType() + " does not support streams.");

    /// <summary>
    /// Invokes a streaming method of the peer (called by generated emitters): nothing is sent until the result is
    /// enumerated; then the event goes out with an acknowledgement that carries the stream id, and the items arrive
    /// under this side's credit window (docs/streaming.md). Stopping the enumeration, or
    /// <paramref name="cancellationToken"/>, cancels the peer's producer.
    /// </summary>
    /// <param name="name">The event.</param>
    /// <param name="writeArguments">Writes the event's arguments.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <exception cref="SocketInvocationException">Enumerating: the peer refused the invocation or its producer failed.</exception>
    public IAsyncEnumerable<T> InvokeStream<T>(SocketEventName name, Action<SocketEventWriter> writeArguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(writeArguments);
        var streams = Streams ?? throw new NotSupportedException(GetType() + " does not support streams.");
        return InvokeStreamCore<T>(streams, name, writeArguments, cancellationToken);
    }

    private async IAsyncEnumerable<T> InvokeStreamCore<T>(
        Streaming.SocketStreamHost streams,
        SocketEventName name,
        Action<SocketEventWriter> writeArguments,
        CancellationToken cancellationToken,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken enumeratorCancellation = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, enumeratorCancellation);
        var writer = BeginEvent(name);
        writeArguments(writer);
        var reply = await SendWithAckAsync(writer, linked.Token).ConfigureAwait(false);
        if (reply.Count == 0)
        {
            throw new SocketInvocationException("The peer answered the stream invocation \"" + name.Name + "\" without a stream id.", Streaming.SocketStreamEvents.ProtocolCode);
        }

        if (streams.ReadError(reply, 0) is { } error)
        {
            throw error;
        }

        long id;
        try
        {
            id = reply.Get<long>(0);
        }
        catch (Exception e)
        {
            throw new SocketInvocationException("The peer answered the stream invocation \"" + name.Name + "\" without a stream id: " + e.Message, Streaming.SocketStreamEvents.ProtocolCode);
        }

        var stream = streams.AddIncoming<T>(id);
        await foreach (var item in stream.WithCancellation(linked.Token).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>
    /// Writes a stream argument (called by generated emitters): the argument is a stream id allocated here, and
    /// <paramref name="items"/> is enumerated only as the peer grants credit for it. The producer stops when the
    /// peer cancels it, when the handler that consumes it returns, or when the connection closes.
    /// </summary>
    /// <exception cref="SocketInvocationException">Too many streams are open on this connection, or it is closed.</exception>
    public void WriteStream<T>(SocketEventWriter writer, IAsyncEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(items);
        var streams = Streams ?? throw new NotSupportedException(GetType() + " does not support streams.");
        var stream = streams.AddOutgoing(cancellation: null);
        writer.WriteInt64(stream.Id);
        _ = stream.RunAsync(items);
    }
}
