namespace TypedSockets.Server;

public partial class SocketIONamespace
{
    private NamespaceBroadcastSink? _broadcastSink;
    private ServerSideBroadcastSink? _serverSideSink;

    internal NamespaceBroadcastSink BroadcastSink => _broadcastSink ??= new NamespaceBroadcastSink(this);

    /// <summary>Typed broadcast targets for the events of <typeparamref name="TClient"/>: every socket of this namespace.</summary>
    public SocketTargets<TClient> Clients<TClient>()
        where TClient : class => new(BroadcastSink);

    /// <summary>
    /// Typed server-side events of contract <typeparamref name="TEvents"/> (a <c>[SocketEvents]</c> interface) to the
    /// other servers of the cluster, as <see cref="ServerSideEmitAsync"/> sends them (plain events: a Node.js server
    /// handles them with <c>io.on(name, ...)</c>). A <c>Task&lt;T&gt;</c> method returns one result per other server; its
    /// wait is <c>Timeout(...)</c>, or the adapter's request timeout, after which it throws <see cref="TimeoutException"/>.
    /// <c>To</c>, <c>Except</c>, <c>User</c> and <c>Local</c> do not apply (they throw).
    /// </summary>
    public SocketTargets<TEvents> ServerSide<TEvents>()
        where TEvents : class => new(_serverSideSink ??= new ServerSideBroadcastSink(this));

    /// <summary>
    /// Routes the server-side events of contract <typeparamref name="TEvents"/> that other servers send to this namespace
    /// to <paramref name="target"/> with the generated dispatcher; results of <c>Task&lt;T&gt;</c> methods go back as
    /// this server's reply. Failures are logged.
    /// </summary>
    public SocketIONamespace HandleServerSide<TEvents>(TEvents target)
        where TEvents : class
    {
        ArgumentNullException.ThrowIfNull(target);
        var contract = SocketContract<TEvents>.Get();
        Func<ServerSideEvent, ValueTask> handler = evt =>
            contract.Dispatch(target, evt.Name, new ServerSideEventContext(evt), out var completion) ? completion : ValueTask.CompletedTask;
        foreach (var name in contract.EventNames)
        {
            OnServerSideEmit(name, handler);
        }

        return this;
    }
}
