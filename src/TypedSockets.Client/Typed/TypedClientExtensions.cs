namespace TypedSockets.Client;

/// <summary>Typed emitters and dispatchers (generated from <see cref="SocketEventsAttribute"/> contracts) on the client.</summary>
public static class TypedClientExtensions
{
    /// <summary>
    /// A generated emitter for the server's contract <typeparamref name="TServer"/>: every call sends its event through
    /// this socket's parser (offline buffer and retries as <see cref="SocketIOClientSocket.Emit"/>); methods returning
    /// <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c> wait for the server's acknowledgement (timeout:
    /// <see cref="SocketIOClientOptions.AckTimeout"/>; a trailing CancellationToken stops waiting).
    /// </summary>
    public static TServer Emitter<TServer>(this SocketIOClientSocket socket)
        where TServer : class
    {
        ArgumentNullException.ThrowIfNull(socket);
        return SocketContract<TServer>.Get().CreateEmitter(socket.TypedSink);
    }

    /// <summary>
    /// Routes the server's events of contract <typeparamref name="TClient"/> to <paramref name="target"/> with the
    /// generated dispatcher, on the socket's dispatcher (one event at a time, in order). Results of <c>Task&lt;T&gt;</c>
    /// methods go back as acknowledgements; a trailing CancellationToken fires when the connection goes away. Arguments
    /// that do not bind are refused before the method runs; a refusal, or a method that throws, answers the server's
    /// acknowledgement with the error answer (the server's emitter throws <see cref="SocketInvocationException"/>) and is
    /// reported through <see cref="SocketIOClientSocket.HandlerError"/>.
    /// </summary>
    public static SocketIOClientSocket Handle<TClient>(this SocketIOClientSocket socket, TClient target)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(target);
        var contract = SocketContract<TClient>.Get();
        foreach (var name in contract.EventNames)
        {
            var eventName = name;
            socket.On(eventName, (args, ack) =>
                contract.Dispatch(target, eventName, new SocketIOClientEventContext(socket, eventName, args, ack), out var completion)
                    ? completion
                    : ValueTask.CompletedTask);
        }

        return socket;
    }
}
