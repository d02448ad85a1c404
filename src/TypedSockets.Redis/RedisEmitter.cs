using System.Buffers;
using System.Text.Json;
using StackExchange.Redis;
using TypedSockets.Protocol.SocketIO;
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

    /// <summary>An emitter publishing on <paramref name="redis"/> to the cluster whose channels start with <paramref name="key"/>.</summary>
    /// <param name="redis">A connected multiplexer (the emitter does not own it).</param>
    /// <param name="key">The channel prefix of the cluster. Default "socket.io".</param>
    /// <param name="nsp">The namespace to send to; a missing leading "/" is added. Default "/".</param>
    /// <param name="parser">Serializes arguments (its JSON options); default: the JSON parser's defaults.</param>
    public RedisEmitter(IConnectionMultiplexer redis, string key = "socket.io", string nsp = "/", JsonSocketIOParser? parser = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        Key = key;
        Namespace = nsp.StartsWith('/') ? nsp : "/" + nsp;
        _parser = parser ?? JsonSocketIOParser.Default;
    }

    /// <summary>The channel prefix of the cluster (the <c>key</c> option of its adapters).</summary>
    public string Key { get; }

    /// <summary>The namespace events are sent to, with a leading "/".</summary>
    public string Namespace { get; }

    /// <summary>The same emitter for namespace <paramref name="nsp"/>.</summary>
    public RedisEmitter Of(string nsp) => new(_redis, Key, nsp, _parser);

    /// <inheritdoc cref="RedisEmitterOperator.To(string[])"/>
    public RedisEmitterOperator To(params string[] rooms) => new RedisEmitterOperator(this, [], [], false).To(rooms);

    /// <inheritdoc cref="RedisEmitterOperator.In(string[])"/>
    public RedisEmitterOperator In(params string[] rooms) => To(rooms);

    /// <inheritdoc cref="RedisEmitterOperator.Except(string[])"/>
    public RedisEmitterOperator Except(params string[] rooms) => new RedisEmitterOperator(this, [], [], false).Except(rooms);

    /// <inheritdoc cref="RedisEmitterOperator.Volatile"/>
    public RedisEmitterOperator Volatile => new(this, [], [], true);

    /// <summary>Sends an event to every client of the namespace across the cluster.</summary>
    public Task EmitAsync(string eventName, params object?[] args) => new RedisEmitterOperator(this, [], [], false).EmitAsync(eventName, args);

    /// <inheritdoc cref="RedisEmitterOperator.SocketsJoinAsync(string[])"/>
    public Task SocketsJoinAsync(params string[] rooms) => new RedisEmitterOperator(this, [], [], false).SocketsJoinAsync(rooms);

    /// <inheritdoc cref="RedisEmitterOperator.SocketsLeaveAsync(string[])"/>
    public Task SocketsLeaveAsync(params string[] rooms) => new RedisEmitterOperator(this, [], [], false).SocketsLeaveAsync(rooms);

    /// <inheritdoc cref="RedisEmitterOperator.DisconnectSocketsAsync(bool)"/>
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
        if (SocketIOReservedEvents.IsReserved(eventName))
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

    /// <summary>Adds rooms to target (union with those already targeted).</summary>
    public RedisEmitterOperator To(params string[] rooms) => new(_emitter, [.. _rooms.Union(rooms, StringComparer.Ordinal)], _except, _volatile);

    /// <summary>Same as <see cref="To"/>.</summary>
    public RedisEmitterOperator In(params string[] rooms) => To(rooms);

    /// <summary>Excludes the members of these rooms (or these socket ids).</summary>
    public RedisEmitterOperator Except(params string[] rooms) => new(_emitter, _rooms, [.. _except.Union(rooms, StringComparer.Ordinal)], _volatile);

    /// <summary>Lets servers drop the event for clients whose transport cannot take it right now.</summary>
    public RedisEmitterOperator Volatile => new(_emitter, _rooms, _except, true);

    /// <summary>
    /// Publishes the event to the targeted clients across the cluster; completes once Redis accepted it (delivery is not
    /// confirmed). No acknowledgement is possible from an emitter.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="eventName"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="eventName"/> is reserved (connect, connect_error, disconnect, disconnecting, newListener, removeListener).</exception>
    public Task EmitAsync(string eventName, params object?[] args) => _emitter.EmitAsync(eventName, args, _rooms, _except, _volatile);

    /// <summary>Asks every server of the cluster to make the targeted sockets join <paramref name="rooms"/>; completes once Redis accepted the request.</summary>
    public Task SocketsJoinAsync(params string[] rooms) => RequestAsync(2, rooms);

    /// <summary>Asks every server of the cluster to make the targeted sockets leave <paramref name="rooms"/>; completes once Redis accepted the request.</summary>
    public Task SocketsLeaveAsync(params string[] rooms) => RequestAsync(3, rooms);

    /// <summary>
    /// Asks every server of the cluster to disconnect the targeted sockets; <paramref name="close"/> true also closes their
    /// underlying connections. Completes once Redis accepted the request.
    /// </summary>
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
