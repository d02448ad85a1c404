using System.Buffers;
using System.Text.Json;
using StackExchange.Redis;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Redis.Serialization;

namespace TypedSockets.Redis;

/// <summary>
/// Sends events to the clients of a Redis cluster from a process that serves none (a worker, a CLI), as
/// <c>@socket.io/redis-emitter</c> does: <c>emitter.To("room").EmitAsync("event", args)</c>. Works with clusters of
/// .NET and Node.js servers using the pub/sub adapter.
/// </summary>
public sealed class RedisEmitter
{
    private const string EmitterUid = "emitter";

    private readonly IConnectionMultiplexer _redis;
    private readonly JsonSocketIOParser _parser;

    /// <param name="redis">A connected multiplexer (the emitter does not own it).</param>
    /// <param name="key">The channel prefix of the cluster. Default "socket.io".</param>
    /// <param name="parser">Serializes arguments (its JSON options); default: the JSON parser's defaults.</param>
    public RedisEmitter(IConnectionMultiplexer redis, string key = "socket.io", string nsp = "/", JsonSocketIOParser? parser = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        Key = key;
        Namespace = nsp.StartsWith('/') ? nsp : "/" + nsp;
        _parser = parser ?? JsonSocketIOParser.Default;
    }

    public string Key { get; }

    public string Namespace { get; }

    /// <summary>The same emitter for namespace <paramref name="nsp"/>.</summary>
    public RedisEmitter Of(string nsp) => new(_redis, Key, nsp, _parser);

    public RedisEmitterOperator To(params string[] rooms) => new RedisEmitterOperator(this, [], [], false).To(rooms);

    public RedisEmitterOperator In(params string[] rooms) => To(rooms);

    public RedisEmitterOperator Except(params string[] rooms) => new RedisEmitterOperator(this, [], [], false).Except(rooms);

    public RedisEmitterOperator Volatile => new(this, [], [], true);

    /// <summary>Sends an event to every client of the namespace across the cluster.</summary>
    public Task EmitAsync(string eventName, params object?[] args) => new RedisEmitterOperator(this, [], [], false).EmitAsync(eventName, args);

    public Task SocketsJoinAsync(params string[] rooms) => new RedisEmitterOperator(this, [], [], false).SocketsJoinAsync(rooms);

    public Task SocketsLeaveAsync(params string[] rooms) => new RedisEmitterOperator(this, [], [], false).SocketsLeaveAsync(rooms);

    public Task DisconnectSocketsAsync(bool close = false) => new RedisEmitterOperator(this, [], [], false).DisconnectSocketsAsync(close);

    /// <summary>Sends an event to every server of the cluster (no acknowledgement, as in the reference).</summary>
    public Task ServerSideEmitAsync(string eventName, params object?[] args)
    {
        ThrowIfReserved(eventName);
        var data = JsValues.FromClr(args, _parser, 1);
        data.Insert(0, eventName);
        return PublishJsonAsync(RequestChannel, new Dictionary<string, object?> { ["uid"] = EmitterUid, ["type"] = 6L, ["data"] = data });
    }

    internal string BroadcastChannel => $"{Key}#{Namespace}#";

    internal string RequestChannel => $"{Key}-request#{Namespace}#";

    internal async Task EmitAsync(string eventName, object?[] args, IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except, bool isVolatile)
    {
        ThrowIfReserved(eventName);
        var data = JsValues.FromClr(args, _parser, 1);
        data.Insert(0, eventName);
        var flags = new Dictionary<string, object?>();
        if (isVolatile)
        {
            flags["volatile"] = true;
        }

        var message = NotepackWriter.Encode(new List<object?>
        {
            EmitterUid,
            new Dictionary<string, object?> { ["type"] = 2L, ["data"] = data, ["nsp"] = Namespace },
            new Dictionary<string, object?> { ["rooms"] = rooms.Cast<object?>().ToList(), ["flags"] = flags, ["except"] = except.Cast<object?>().ToList() },
        });
        var channel = rooms.Count == 1 ? $"{BroadcastChannel}{rooms.First()}#" : BroadcastChannel;
        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), message).ConfigureAwait(false);
    }

    internal Task PublishJsonAsync(string channel, Dictionary<string, object?> message)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            JsValues.WriteJson(writer, message, _parser);
        }

        return _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), buffer.WrittenSpan.ToArray());
    }

    private static void ThrowIfReserved(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (eventName is "connect" or "connect_error" or "disconnect" or "disconnecting" or "newListener" or "removeListener")
        {
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        }
    }
}

/// <summary>Targets clients of the cluster by rooms (immutable: every modifier returns a new operator).</summary>
public readonly struct RedisEmitterOperator
{
    private readonly RedisEmitter _emitter;
    private readonly string[] _rooms;
    private readonly string[] _except;
    private readonly bool _volatile;

    internal RedisEmitterOperator(RedisEmitter emitter, string[] rooms, string[] except, bool isVolatile)
    {
        _emitter = emitter;
        _rooms = rooms;
        _except = except;
        _volatile = isVolatile;
    }

    public RedisEmitterOperator To(params string[] rooms) => new(_emitter, [.. _rooms.Union(rooms, StringComparer.Ordinal)], _except, _volatile);

    public RedisEmitterOperator In(params string[] rooms) => To(rooms);

    public RedisEmitterOperator Except(params string[] rooms) => new(_emitter, _rooms, [.. _except.Union(rooms, StringComparer.Ordinal)], _volatile);

    public RedisEmitterOperator Volatile => new(_emitter, _rooms, _except, true);

    public Task EmitAsync(string eventName, params object?[] args) => _emitter.EmitAsync(eventName, args, _rooms, _except, _volatile);

    public Task SocketsJoinAsync(params string[] rooms) => RequestAsync(2, rooms);

    public Task SocketsLeaveAsync(params string[] rooms) => RequestAsync(3, rooms);

    public Task DisconnectSocketsAsync(bool close = false) =>
        _emitter.PublishJsonAsync(_emitter.RequestChannel, new Dictionary<string, object?> { ["type"] = 4L, ["opts"] = Options(), ["close"] = close });

    private Task RequestAsync(long type, string[] rooms) =>
        _emitter.PublishJsonAsync(_emitter.RequestChannel, new Dictionary<string, object?> { ["type"] = type, ["opts"] = Options(), ["rooms"] = rooms.Cast<object?>().ToList() });

    private Dictionary<string, object?> Options() => new()
    {
        ["rooms"] = _rooms.Cast<object?>().ToList(),
        ["except"] = _except.Cast<object?>().ToList(),
    };
}
