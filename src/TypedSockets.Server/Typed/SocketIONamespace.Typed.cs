namespace TypedSockets.Server;

public partial class SocketIONamespace
{
    private NamespaceBroadcastSink? _broadcastSink;

    internal NamespaceBroadcastSink BroadcastSink => _broadcastSink ??= new NamespaceBroadcastSink(this);

    /// <summary>Typed broadcast targets for the events of <typeparamref name="TClient"/>: every socket of this namespace.</summary>
    public SocketTargets<TClient> Clients<TClient>()
        where TClient : class => new(BroadcastSink);
}
