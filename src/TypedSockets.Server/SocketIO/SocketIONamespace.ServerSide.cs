using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server;

// Server-side events: messages between the servers of a cluster (the reference's serverSideEmit), carried by the adapter.
public partial class SocketIONamespace
{
    private readonly Lock _serverSideSync = new();
    private Dictionary<string, Func<ServerSideEvent, ValueTask>[]> _serverSideHandlers = new(StringComparer.Ordinal);

    /// <summary>Handles event <paramref name="eventName"/> sent by another server of the cluster.</summary>
    public SocketIONamespace OnServerSideEmit(string eventName, Func<ServerSideEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_serverSideSync)
        {
            var copy = new Dictionary<string, Func<ServerSideEvent, ValueTask>[]>(_serverSideHandlers, StringComparer.Ordinal);
            copy[eventName] = copy.TryGetValue(eventName, out var existing) ? [.. existing, handler] : [handler];
            _serverSideHandlers = copy;
        }

        return this;
    }

    /// <inheritdoc cref="OnServerSideEmit(string, Func{ServerSideEvent, ValueTask})"/>
    public SocketIONamespace OnServerSideEmit(string eventName, Action<ServerSideEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return OnServerSideEmit(eventName, e =>
        {
            handler(e);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Sends an event to the other servers of the cluster (not to this one, nor to any client).</summary>
    public ValueTask ServerSideEmitAsync(string eventName, params object?[] args)
    {
        SocketIOSocket.ThrowIfReserved(eventName);
        return Adapter.ServerSideEmitAsync(eventName, args);
    }

    /// <summary>
    /// Sends an event to the other servers of the cluster and returns one reply per server (empty without a cluster).
    /// </summary>
    /// <exception cref="TimeoutException">Some servers did not reply within <paramref name="timeout"/> (default: the adapter's request timeout).</exception>
    public Task<IReadOnlyList<SocketIOArguments>> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        SocketIOSocket.ThrowIfReserved(eventName);
        return Adapter.ServerSideEmitWithAckAsync(eventName, args, timeout, cancellationToken);
    }

    internal void DispatchServerSideEmit(string eventName, SocketIOArguments args, Action<object?>? ack)
    {
        if (!_serverSideHandlers.TryGetValue(eventName, out var handlers))
        {
            return;
        }

        var evt = new ServerSideEvent(this, eventName, args, ack);
        foreach (var handler in handlers)
        {
            ValueTask task;
            try
            {
                task = handler(evt);
            }
            catch (Exception e)
            {
                SocketIOLog.ServerSideHandlerFailed(Server.Logger, eventName, Name, e);
                continue;
            }

            if (!task.IsCompletedSuccessfully)
            {
                ObserveServerSide(task, eventName);
            }
        }
    }

    private async void ObserveServerSide(ValueTask task, string eventName)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SocketIOLog.ServerSideHandlerFailed(Server.Logger, eventName, Name, e);
        }
    }
}
