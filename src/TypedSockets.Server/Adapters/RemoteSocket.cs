using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedSockets.Server.Adapters;

/// <summary>
/// A socket as returned by <c>FetchSocketsAsync</c>: a snapshot of its state, possibly on another server, with
/// operations that go through the adapter.
/// </summary>
public sealed class RemoteSocket
{
    private readonly SocketIONamespace _namespace;
    private readonly object? _typedData; // the hub's TData of a socket of this server
    private IReadOnlyDictionary<string, object?>? _data;

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
        _data = data;
    }

    private RemoteSocket(SocketIOSocket socket)
    {
        _namespace = socket.Namespace;
        Id = socket.Id;
        Handshake = socket.Handshake;
        Rooms = socket.Rooms;
        _typedData = socket.TypedData;
        if (_typedData is null)
        {
            _data = socket.CopyData();
        }
    }

    /// <summary>The socket id (also the name of its own room).</summary>
    public string Id { get; }

    /// <summary>The handshake (null for a socket on another server whose details were not sent).</summary>
    public SocketIOHandshake? Handshake { get; }

    /// <summary>The rooms the socket was in when fetched (its own id included).</summary>
    public IReadOnlyCollection<string> Rooms { get; }

    /// <summary>
    /// A copy of the socket's <see cref="SocketIOSocket.Data"/> when fetched; changing the original afterwards does not
    /// show here. For a socket of a hub with typed data (<see cref="SocketHub{TServer, TClient, TData}"/>), that data as
    /// the JSON parser writes it (values are <see cref="JsonElement"/>s here; other servers of a cluster get the same
    /// object, as the Node adapters send <c>socket.data</c>). Read it typed with <see cref="GetData{T}"/>.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Data => _data ??= DataFromTyped();

    /// <summary>
    /// The socket's data as <typeparamref name="T"/>: for a socket of this server, its hub's <c>Data</c> object itself
    /// when it is a <typeparamref name="T"/>; otherwise <see cref="Data"/> read through the server's JSON parser metadata
    /// (its <see cref="SocketIOServerOptions.JsonSerializerOptions"/>), as an event argument would be. Null when the socket has none.
    /// </summary>
    /// <exception cref="JsonException">The data does not read as <typeparamref name="T"/>.</exception>
    public T? GetData<T>()
    {
        if (_typedData is T typed)
        {
            return typed;
        }

        var parser = _namespace.Server.JsonParser;
        var element = _typedData is not null
            ? JsonSerializer.SerializeToElement(_typedData, parser.GetTypeInfo(_typedData.GetType()))
            : JsonSerializer.SerializeToElement(Data, parser.GetTypeInfo(typeof(object)));
        return element.Deserialize((JsonTypeInfo<T>)parser.GetTypeInfo(typeof(T)));
    }

    private IReadOnlyDictionary<string, object?> DataFromTyped()
    {
        var parser = _namespace.Server.JsonParser;
        var element = JsonSerializer.SerializeToElement(_typedData, parser.GetTypeInfo(_typedData!.GetType()));
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                map[property.Name] = property.Value.Clone();
            }
        }

        return map;
    }

    /// <summary>Sends an event to this socket, wherever it is connected.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args) => _namespace.To(Id).EmitAsync(eventName, args);

    /// <summary>Makes this socket join <paramref name="rooms"/>, wherever it is connected.</summary>
    public ValueTask JoinAsync(params string[] rooms) => _namespace.In(Id).SocketsJoinAsync(rooms);

    /// <summary>Makes this socket leave <paramref name="rooms"/>, wherever it is connected.</summary>
    public ValueTask LeaveAsync(params string[] rooms) => _namespace.In(Id).SocketsLeaveAsync(rooms);

    /// <summary>Disconnects this socket; <paramref name="close"/> true also closes its underlying connection (every namespace of that client).</summary>
    public ValueTask DisconnectAsync(bool close = false) => _namespace.In(Id).DisconnectSocketsAsync(close);

    internal static RemoteSocket FromLocal(SocketIOSocket socket) => new(socket);
}
