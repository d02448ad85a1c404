namespace TypedSockets.Server;

/// <summary>
/// The <see cref="SocketBroadcastSink"/> of a namespace's server-side events: a typed event goes to every other server
/// of the cluster through <see cref="SocketIONamespace.ServerSideEmitAsync"/> (plain events on the wire, as the
/// reference's <c>serverSideEmit</c>); an acknowledged one collects one reply per server. Rooms, exceptions and
/// <c>Local</c> do not apply to servers and are refused.
/// </summary>
internal sealed class ServerSideBroadcastSink : SocketBroadcastSink
{
    private readonly SocketIONamespace _namespace;

    public ServerSideBroadcastSink(SocketIONamespace nsp)
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
        var (name, args) = Read(selection, writer);
        ValueTask sent;
        try
        {
            sent = _namespace.ServerSideEmitAsync(name, args);
        }
        catch (Exception e)
        {
            SocketIOLog.ServerSideEmitFailed(_namespace.Server.Logger, name, _namespace.Name, e);
            return;
        }

        if (!sent.IsCompletedSuccessfully)
        {
            ObserveAsync(sent, name);
        }
    }

    public override Task<SocketAckResults<T>> SendWithAckAsync<T>(in SocketTargetSelection selection, SocketEventWriter writer, CancellationToken cancellationToken)
    {
        var (name, args) = Read(selection, writer);
        return SendWithAckCoreAsync<T>(name, args, selection.Timeout, cancellationToken);
    }

    private async Task<SocketAckResults<T>> SendWithAckCoreAsync<T>(string name, object?[] args, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var replies = await _namespace.ServerSideEmitWithAckAsync(name, args, timeout, cancellationToken).ConfigureAwait(false);
        var results = new SocketAckResult<T>[replies.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = new SocketAckResult<T>(replies[i].Count > 0 ? replies[i].Get<T>(0)! : default!);
        }

        return new SocketAckResults<T>(results);
    }

    private (string Name, object?[] Args) Read(in SocketTargetSelection selection, SocketEventWriter writer)
    {
        var packetWriter = TypedPackets.AsPacketWriter(writer);
        if (selection.Rooms.Count > 0 || selection.Except.Count > 0 || selection.Local)
        {
            packetWriter.Return();
            throw new InvalidOperationException("Server-side events go to every other server of the cluster: To, Except, User and Local do not apply to them.");
        }

        var name = packetWriter.Event!.Name;
        var packet = TypedPackets.Finish(packetWriter);
        try
        {
            return (name, TypedPackets.ToRawArguments(_namespace.Server.Parser, packet));
        }
        finally
        {
            packet.Release();
        }
    }

    private async void ObserveAsync(ValueTask sent, string name)
    {
        try
        {
            await sent.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SocketIOLog.ServerSideEmitFailed(_namespace.Server.Logger, name, _namespace.Name, e);
        }
    }
}
