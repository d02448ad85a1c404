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
}
