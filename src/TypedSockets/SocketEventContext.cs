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
}
