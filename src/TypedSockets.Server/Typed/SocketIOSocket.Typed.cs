using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server;

public sealed partial class SocketIOSocket
{
    private SocketIOSocketSink? _typedSink;

    /// <summary>The sink generated emitters for this socket send through.</summary>
    internal SocketIOSocketSink TypedSink => _typedSink ??= new SocketIOSocketSink(this);

    internal bool HasOutgoingListeners => _anyOutgoing.Length > 0;

    /// <summary>
    /// Sends a typed event packet: the allocation-free path, or the object path when recovery or outgoing listeners need
    /// the arguments. Stream protocol events are not <paramref name="recoverable"/>: they get no recovery offset (a
    /// stream ends with its connection).
    /// </summary>
    internal bool SendTypedEvent(SocketIOPacketWriter writer, bool isVolatile = false, bool recoverable = true)
    {
        if (!Connected)
        {
            writer.Return();
            return false;
        }

        if (_anyOutgoing.Length > 0 || (recoverable && Server.Options.ConnectionStateRecovery is not null))
        {
            var name = writer.Event!.Name;
            var packet = TypedPackets.Finish(writer);
            object?[] args;
            try
            {
                args = TypedPackets.ToRawArguments(Server.Parser, packet);
            }
            finally
            {
                packet.Release();
            }

            if (!recoverable)
            {
                NotifyOutgoing(name, args);
                return Sent(_client.Send(Server.Parser.EncodeEvent(Namespace.Name, name, args), isVolatile));
            }

            return EmitCore(name, args, isVolatile);
        }

        var outgoing = TypedPackets.Finish(writer);
        try
        {
            return Sent(_client.Send(outgoing, isVolatile));
        }
        finally
        {
            outgoing.Release();
        }
    }

    /// <summary>Sends a typed packet built by a broadcast (shared buffer; the transport takes its own reference).</summary>
    internal bool SendTyped(in OutgoingPacket packet, bool isVolatile) => Connected && Sent(_client.Send(packet, isVolatile));

    /// <summary>
    /// Sends a typed event with an ack id and returns the first argument of the reply; <paramref name="ackTimeout"/> null
    /// waits the server's <c>DefaultAckTimeout</c>. An error answer throws <see cref="SocketInvocationException"/>.
    /// </summary>
    internal async Task<T> SendTypedWithAckAsync<T>(SocketIOPacketWriter writer, TimeSpan? ackTimeout, CancellationToken cancellationToken)
    {
        var reply = await SendTypedWithRawAckAsync(writer, ackTimeout, cancellationToken).ConfigureAwait(false);
        if (reply.TryGetError(out var error))
        {
            throw error;
        }

        return reply.Count > 0 ? reply.Get<T>(0)! : default!;
    }

    /// <summary>Sends a typed event with an ack id and returns the reply's arguments; <paramref name="ackTimeout"/> null waits the server's default.</summary>
    internal async Task<SocketIOArguments> SendTypedWithRawAckAsync(SocketIOPacketWriter writer, TimeSpan? ackTimeout, CancellationToken cancellationToken)
    {
        var name = writer.Event!.Name;
        if (!Connected)
        {
            writer.Return();
            throw new SocketDisconnectedException(Id, _disconnectReason ?? "not connected");
        }

        var id = Namespace.NextAckId();
        var waiter = new AckWaiter();
        Acks[id] = waiter;
        var packet = TypedPackets.Finish(writer, id);
        bool sent;
        try
        {
            if (_anyOutgoing.Length > 0)
            {
                NotifyOutgoing(name, TypedPackets.ToRawArguments(Server.Parser, packet));
            }

            sent = _client.Send(packet, isVolatile: false);
        }
        finally
        {
            packet.Release();
        }

        if (!sent)
        {
            _acks!.TryRemove(id, out _);
            throw new SocketDisconnectedException(Id, _disconnectReason ?? "transport closed");
        }

        Sent(true);
        var timeout = ackTimeout ?? Server.Options.DefaultAckTimeout;
        try
        {
            return await waiter.Task.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, Server.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Server.Metrics.AckTimedOut(Namespace.Name);
            throw new SocketAckTimeoutException(name, timeout!.Value);
        }
        finally
        {
            _acks!.TryRemove(id, out _);
        }
    }

    /// <summary>Sends the acknowledgement of <paramref name="evt"/> that <paramref name="writer"/> holds.</summary>
    internal bool SendTypedAck(SocketIOEvent evt, SocketIOPacketWriter writer)
    {
        if (!evt.TryClaimAck() || !Connected)
        {
            writer.Return();
            return false;
        }

        var packet = TypedPackets.Finish(writer, evt.AckId);
        try
        {
            return _client.Send(packet, isVolatile: false);
        }
        finally
        {
            packet.Release();
        }
    }
}
