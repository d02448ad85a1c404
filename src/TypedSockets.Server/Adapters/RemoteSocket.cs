namespace TypedSockets.Server.Adapters;

/// <summary>
/// A socket as returned by <c>FetchSocketsAsync</c>: a snapshot of its state, possibly on another server, with
/// operations that go through the adapter.
/// </summary>
public sealed class RemoteSocket
{
    private readonly SocketIONamespace _namespace;

    /// <summary>A snapshot of socket <paramref name="id"/> of <paramref name="nsp"/> (cluster adapters build it from another server's answer).</summary>
    /// <param name="nsp">The namespace the socket is connected to; operations go through its adapter.</param>
    /// <param name="id">The socket id.</param>
    /// <param name="handshake">The handshake, when known (see <see cref="Handshake"/>).</param>
    /// <param name="rooms">The rooms the socket was in.</param>
    /// <param name="data">A copy of the socket's <see cref="SocketIOSocket.Data"/>.</param>
    public RemoteSocket(SocketIONamespace nsp, string id, SocketIOHandshake? handshake, IReadOnlyCollection<string> rooms, IReadOnlyDictionary<string, object?> data)
    {
        _namespace = nsp;
        Id = id;
        Handshake = handshake;
        Rooms = rooms;
        Data = data;
    }

    /// <summary>The socket id (also the name of its own room).</summary>
    public string Id { get; }

    /// <summary>The handshake (null for a socket on another server whose details were not sent).</summary>
    public SocketIOHandshake? Handshake { get; }

    /// <summary>The rooms the socket was in when fetched (its own id included).</summary>
    public IReadOnlyCollection<string> Rooms { get; }

    /// <summary>A copy of the socket's <see cref="SocketIOSocket.Data"/> when fetched; changing the original afterwards does not show here.</summary>
    public IReadOnlyDictionary<string, object?> Data { get; }

    /// <summary>Sends an event to this socket, wherever it is connected.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args) => _namespace.To(Id).EmitAsync(eventName, args);

    /// <summary>Makes this socket join <paramref name="rooms"/>, wherever it is connected.</summary>
    public ValueTask JoinAsync(params string[] rooms) => _namespace.In(Id).SocketsJoinAsync(rooms);

    /// <summary>Makes this socket leave <paramref name="rooms"/>, wherever it is connected.</summary>
    public ValueTask LeaveAsync(params string[] rooms) => _namespace.In(Id).SocketsLeaveAsync(rooms);

    /// <summary>Disconnects this socket; <paramref name="close"/> true also closes its underlying connection (every namespace of that client).</summary>
    public ValueTask DisconnectAsync(bool close = false) => _namespace.In(Id).DisconnectSocketsAsync(close);

    internal static RemoteSocket FromLocal(SocketIOSocket socket) =>
        new(socket.Namespace, socket.Id, socket.Handshake, socket.Rooms, socket.CopyData());
}
