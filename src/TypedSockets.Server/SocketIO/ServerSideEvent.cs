using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server;

/// <summary>An event another server of the cluster sent with <c>ServerSideEmitAsync</c> (the reference's <c>serverSideEmit</c>).</summary>
public sealed class ServerSideEvent
{
    private readonly Action<object?>? _ack;
    private int _acked;

    internal ServerSideEvent(SocketIONamespace nsp, string name, SocketIOArguments arguments, Action<object?>? ack)
    {
        Namespace = nsp;
        Name = name;
        Arguments = arguments;
        _ack = ack;
    }

    /// <summary>The namespace the event was sent to.</summary>
    public SocketIONamespace Namespace { get; }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>The arguments after the event name.</summary>
    public SocketIOArguments Arguments { get; }

    /// <summary>True when the sender waits for a reply (<c>ServerSideEmitWithAckAsync</c>).</summary>
    public bool HasAck => _ack is not null;

    /// <summary>Sends this server's reply (one value, as in the reference). Only the first call sends.</summary>
    public bool Ack(object? value)
    {
        if (_ack is null || Interlocked.Exchange(ref _acked, 1) != 0)
        {
            return false;
        }

        _ack(value);
        return true;
    }

    /// <summary>Argument <paramref name="index"/> as <typeparamref name="T"/>.</summary>
    public T? GetArgument<T>(int index) => Arguments.Get<T>(index);
}
