namespace TypedSockets;

/// <summary>An incoming event as a generated dispatcher sees it: its arguments and the way to acknowledge it.</summary>
public abstract class SocketEventContext
{
    /// <summary>The event's arguments after its name.</summary>
    public abstract ISocketEventArguments Arguments { get; }

    /// <summary>True when the peer waits for an acknowledgement.</summary>
    public abstract bool HasAck { get; }

    /// <summary>Fires when the connection goes away (passed to handlers that take a trailing CancellationToken).</summary>
    public abstract CancellationToken Aborted { get; }

    /// <summary>Rents a writer for the acknowledgement's arguments.</summary>
    public abstract SocketEventWriter BeginAck();

    /// <summary>Sends the acknowledgement <paramref name="writer"/> holds (at most once per event).</summary>
    public abstract bool SendAck(SocketEventWriter writer);

    /// <summary>
    /// Argument <paramref name="index"/> as <typeparamref name="T"/>, or default when the peer sent fewer arguments
    /// (JavaScript callers often leave trailing arguments out).
    /// </summary>
    public T? GetArgument<T>(int index) => index < Arguments.Count ? Arguments.Get<T>(index) : default;

    /// <summary>The wire name of the event (used in the messages of refused arguments).</summary>
    public virtual string EventName => string.Empty;

    /// <summary>
    /// Why the event's arguments were refused, once <see cref="GetArgument{T}(int, string)"/> or
    /// <see cref="GetRequiredArgument{T}(int, string)"/> refused one (the handler is then not called); null otherwise.
    /// </summary>
    public SocketInvocationException? BindingError { get; private set; }

    /// <summary>
    /// Argument <paramref name="index"/> for a parameter that accepts null (a nullable reference or value type).
    /// Generated dispatchers read every argument before calling the handler.
    /// </summary>
    /// <param name="index">The argument's position after the event name.</param>
    /// <param name="parameterName">The parameter's name, for the refusal's message.</param>
    /// <exception cref="SocketInvocationException">Code <see cref="SocketInvocationException.InvalidArgumentsCode"/>: the argument is missing or cannot be read as <typeparamref name="T"/>.</exception>
    public T? GetArgument<T>(int index, string parameterName)
    {
        var arguments = Arguments;
        if (index >= arguments.Count)
        {
            throw Refuse(parameterName, "is missing", inner: null);
        }

        try
        {
            return arguments.Get<T>(index);
        }
        catch (Exception e)
        {
            throw Refuse(parameterName, "has the wrong type", e);
        }
    }

    /// <summary>
    /// Argument <paramref name="index"/> for a parameter that does not accept null (a non-nullable reference or value
    /// type): a missing, null, or mistyped argument is refused.
    /// </summary>
    /// <param name="index">The argument's position after the event name.</param>
    /// <param name="parameterName">The parameter's name, for the refusal's message.</param>
    /// <exception cref="SocketInvocationException">Code <see cref="SocketInvocationException.InvalidArgumentsCode"/>: the argument is missing, null, or cannot be read as <typeparamref name="T"/>.</exception>
    public T GetRequiredArgument<T>(int index, string parameterName)
    {
        var arguments = Arguments;
        if (index >= arguments.Count)
        {
            throw Refuse(parameterName, "is missing", inner: null);
        }

        T? value;
        try
        {
            value = arguments.Get<T>(index);
        }
        catch (Exception e)
        {
            // A null read as a non-nullable value type fails in the serializer: say null, not "wrong type".
            throw Refuse(parameterName, IsNull(arguments, index) ? "must not be null" : "has the wrong type", e);
        }

        return value ?? throw Refuse(parameterName, "must not be null", inner: null);
    }

    private static bool IsNull(ISocketEventArguments arguments, int index)
    {
        try
        {
            return arguments.Get<object>(index) is null;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private SocketInvocationException Refuse(string parameterName, string problem, Exception? inner)
    {
        var name = EventName;
        var message = name.Length > 0
            ? $"Invalid arguments for '{name}': '{parameterName}' {problem}."
            : $"Invalid arguments: '{parameterName}' {problem}.";
        var error = new SocketInvocationException(message, SocketInvocationException.InvalidArgumentsCode, errorData: null, inner);
        BindingError ??= error;
        return error;
    }
    private CancellationTokenSource? _streamCancellation;
    private List<Streaming.IncomingStream>? _streams;

    /// <summary>The streams of the socket the event came from; null (the default) when the context does not support streams.</summary>
    protected virtual Streaming.SocketStreamHost? Streams => null;

    /// <summary>
    /// The token of the stream this event's method produces (passed by generated dispatchers to a streaming method's
    /// CancellationToken): it fires when the consumer cancels the stream or the connection closes.
    /// </summary>
    public CancellationToken StreamAborted => (_streamCancellation ??= new CancellationTokenSource()).Token;

    /// <summary>
    /// Produces <paramref name="items"/> as the result of this event (called by generated dispatchers): the stream id
    /// goes back as the acknowledgement, or an error when the stream is refused, and the items follow as the
    /// consumer grants credit. The producer runs on its own: the returned task completes once the stream id is sent
    /// (a dispatcher that awaits handlers one at a time is not held for the stream's life).
    /// </summary>
    /// <exception cref="NotSupportedException">The context does not support streams.</exception>
    public ValueTask SendStreamAsync<T>(IAsyncEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var streams = Streams ?? throw new NotSupportedException(GetType() + " does not support streams.");
        var cancellation = _streamCancellation ??= new CancellationTokenSource();
        if (!HasAck)
        {
            // Without an acknowledgement the caller cannot learn the stream id: nothing to produce for.
            cancellation.Dispose();
            return default;
        }

        Streaming.OutgoingStream stream;
        try
        {
            stream = streams.AddOutgoing(cancellation);
        }
        catch (SocketInvocationException refused)
        {
            cancellation.Dispose();
            var error = BeginAck();
            error.WriteError(refused.Message, refused.Code);
            SendAck(error);
            return default;
        }

        var ack = BeginAck();
        ack.WriteInt64(stream.Id);
        SendAck(ack);
        _ = stream.RunAsync(items);
        return default;
    }

    /// <summary>
    /// Stream argument <paramref name="index"/> (called by generated dispatchers): the peer's producer, read under
    /// this side's credit window. It is closed (the producer cancelled) by <see cref="CompleteStreams"/> once the
    /// handler returns.
    /// </summary>
    /// <exception cref="SocketInvocationException">
    /// The argument is not a stream id, or the stream is refused (too many open); the event's acknowledgement, when the
    /// caller waits for one, has then already been sent with the error.
    /// </exception>
    public IAsyncEnumerable<T> ReadStream<T>(int index)
    {
        var streams = Streams ?? throw new NotSupportedException(GetType() + " does not support streams.");
        long id;
        try
        {
            id = Arguments.Get<long>(index);
        }
        catch (Exception e)
        {
            throw Refuse(new SocketInvocationException("Argument " + index + " is not a stream id: " + e.Message, Streaming.SocketStreamEvents.ProtocolCode));
        }

        Streaming.IncomingStream<T> stream;
        try
        {
            stream = streams.AddIncoming<T>(id);
        }
        catch (SocketInvocationException refused)
        {
            throw Refuse(refused);
        }

        (_streams ??= []).Add(stream);
        return stream;
    }

    /// <summary>A refused stream argument: the caller's acknowledgement (if it waits for one) carries the error, so it does not time out.</summary>
    private SocketInvocationException Refuse(SocketInvocationException refused)
    {
        if (HasAck)
        {
            var error = BeginAck();
            error.WriteError(refused.Message, refused.Code);
            SendAck(error);
        }

        return refused;
    }

    /// <summary>Closes the streams <see cref="ReadStream{T}"/> opened (called by generated dispatchers when the handler returns): producers still running are cancelled.</summary>
    public void CompleteStreams()
    {
        if (_streams is { } streams)
        {
            foreach (var stream in streams)
            {
                stream.Close();
            }
        }
    }
}
