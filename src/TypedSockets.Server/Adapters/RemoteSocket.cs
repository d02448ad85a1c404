namespace TypedSockets.Server.Adapters;

/// <summary>
/// A socket as returned by <c>FetchSocketsAsync</c>: a snapshot of its state, possibly on another server, with
/// operations that go through the adapter.
/// </summary>
public sealed class RemoteSocket
{
    private readonly SocketIONamespace _namespace;

    public RemoteSocket(SocketIONamespace nsp, string id, SocketIOHandshake? handshake, IReadOnlyCollection<string> rooms, IReadOnlyDictionary<string, object?> data)
    {
        _namespace = nsp;
        Id = id;
        Handshake = handshake;
        Rooms = rooms;
        Data = data;
    }

    public string Id { get; }

    /// <summary>The handshake (null for a socket on another server whose details were not sent).</summary>
    public SocketIOHandshake? Handshake { get; }

    public IReadOnlyCollection<string> Rooms { get; }

    public IReadOnlyDictionary<string, object?> Data { get; }

    public ValueTask EmitAsync(string eventName, params object?[] args) => _namespace.To(Id).EmitAsync(eventName, args);

    public ValueTask JoinAsync(params string[] rooms) => _namespace.In(Id).SocketsJoinAsync(rooms);

    public ValueTask LeaveAsync(params string[] rooms) => _namespace.In(Id).SocketsLeaveAsync(rooms);

    public ValueTask DisconnectAsync(bool close = false) => _namespace.In(Id).DisconnectSocketsAsync(close);

    internal static RemoteSocket FromLocal(SocketIOSocket socket) =>
        new(socket.Namespace, socket.Id, socket.Handshake, socket.Rooms, socket.CopyData());
}
