using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.Adapters;
using TypedSockets.Server.Diagnostics;

namespace TypedSockets.Server;

/// <summary>
/// The <see cref="SocketBroadcastSink"/> of a namespace. With the in-memory adapter and no connection state recovery,
/// a broadcast is encoded once into a pooled buffer that every recipient's transport shares; otherwise (cluster
/// adapters, recovery) the packet goes through the adapter's object-based broadcast.
/// </summary>
internal sealed class NamespaceBroadcastSink : SocketBroadcastSink
{
    private readonly SocketIONamespace _namespace;

    public NamespaceBroadcastSink(SocketIONamespace nsp)
    {
        _namespace = nsp;
    }

    public override SocketEventWriter BeginEvent(SocketEventName name)
    {
        var writer = _namespace.Server.Parser.RentPacketWriter();
        writer.BeginEvent(_namespace.Name, name);
        return writer;
    }

    public override void Send(in SocketTargetSelection selection, SocketEventWriter writer)
    {
        if (ServerActivities.IsEnabled())
        {
            SendTraced(selection, writer);
            return;
        }

        SendCore(selection, writer);
    }

    private void SendTraced(in SocketTargetSelection selection, SocketEventWriter writer)
    {
        using var activity = ServerActivities.StartBroadcast(_namespace.Name, TypedPackets.AsPacketWriter(writer).Event!.Name, withAck: false);
        try
        {
            SendCore(selection, writer);
        }
        catch (Exception e) when (activity is not null)
        {
            ServerActivities.SetError(activity, e);
            throw;
        }
    }

    private void SendCore(in SocketTargetSelection selection, SocketEventWriter writer)
    {
        var packetWriter = TypedPackets.AsPacketWriter(writer);
        var name = packetWriter.Event!.Name;
        var packet = TypedPackets.Finish(packetWriter);
        try
        {
            if (_namespace.Adapter.GetType() == typeof(InMemoryAdapter) && _namespace.Server.Options.ConnectionStateRecovery is null)
            {
                var recipients = ((InMemoryAdapter)_namespace.Adapter).SendTypedLocal(selection, packet);
                if (ServerActivities.IsEnabled())
                {
                    ServerActivities.AddRecipients(recipients);
                }

                return;
            }

            var args = TypedPackets.ToRawArguments(_namespace.Server.Parser, packet);
            new BroadcastOperator(_namespace, ToOptions(selection)).Emit(name, args);
        }
        finally
        {
            packet.Release();
        }
    }

    public override Task<SocketAckResults<T>> SendWithAckAsync<T>(in SocketTargetSelection selection, SocketEventWriter writer, CancellationToken cancellationToken) =>
        SendWithAckCoreAsync<T>(selection, writer, cancellationToken);

    private async Task<SocketAckResults<T>> SendWithAckCoreAsync<T>(SocketTargetSelection selection, SocketEventWriter writer, CancellationToken cancellationToken)
    {
        var packetWriter = TypedPackets.AsPacketWriter(writer);
        var name = packetWriter.Event!.Name;
        if (selection.Timeout is null && _namespace.Server.Options.DefaultAckTimeout is null)
        {
            packetWriter.Return();
            throw new InvalidOperationException("A broadcast with acknowledgement needs a timeout: call Timeout(...) first, or set DefaultAckTimeout.");
        }

        var packet = TypedPackets.Finish(packetWriter);
        object?[] args;
        try
        {
            args = TypedPackets.ToRawArguments(_namespace.Server.Parser, packet);
        }
        finally
        {
            packet.Release();
        }

        var reply = await new BroadcastOperator(_namespace, ToOptions(selection)).EmitWithAckAsync(name, args, cancellationToken).ConfigureAwait(false);
        var results = new SocketAckResult<T>[reply.Responses.Count + reply.MissingCount];
        var i = 0;
        foreach (var response in reply.Responses)
        {
            results[i++] = response.TryGetError(out var error)
                ? SocketAckResult<T>.Failed(error)
                : new SocketAckResult<T>(response.Count > 0 ? response.Get<T>(0)! : default!);
        }

        while (i < results.Length)
        {
            results[i++] = SocketAckResult<T>.TimedOut;
        }

        return new SocketAckResults<T>(results);
    }

    private static BroadcastOptions ToOptions(in SocketTargetSelection selection) => new()
    {
        Rooms = selection.Rooms.ToArray(),
        Except = selection.Except.ToArray(),
        Local = selection.Local,
        Volatile = selection.Volatile,
        Timeout = selection.Timeout,
    };
}
