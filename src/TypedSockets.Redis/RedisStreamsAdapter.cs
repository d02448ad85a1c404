using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Redis.Internal;
using TypedSockets.Redis.Serialization;
using TypedSockets.Server;
using TypedSockets.Server.Adapters;

namespace TypedSockets.Redis;

/// <summary>
/// The Redis streams adapter, wire compatible with <c>@socket.io/redis-streams-adapter</c> 0.3: broadcasts and room
/// operations are appended to one stream (<c>XADD socket.io MAXLEN ~ 10000 * uid .. nsp .. type .. data ..</c>) that
/// every node reads; requests and responses go through pub/sub. Supports connection state recovery across nodes:
/// sessions are kept in Redis (<c>sio:session:&lt;pid&gt;</c>, expiring) and missed packets replayed from the stream.
/// </summary>
public sealed partial class RedisStreamsAdapter : InMemoryAdapter
{
    private const long Broadcast = 3, SocketsJoin = 4, SocketsLeave = 5, DisconnectSockets = 6, FetchSockets = 7,
        FetchSocketsResponse = 8, ServerSideEmit = 9, ServerSideEmitResponse = 10, BroadcastClientCount = 11, BroadcastAck = 12;

    private const int RestoreMaxPages = 100;
    private const int RestorePageSize = 1000;

    private readonly RedisClusterConnection _connection;
    private readonly RedisStreamsAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly JsonSocketIOParser _parser;
    private readonly ClusterRequests _requests;
    private readonly string _publicChannel;
    private readonly string _privateChannel;
    private readonly Lock _localSync = new();
    private readonly Queue<LocalDelivery> _localDeliveries = new();
    private readonly RedisSubscriptions _subscriptions = new();

    internal RedisStreamsAdapter(SocketIONamespace nsp, RedisClusterConnection connection, RedisStreamsAdapterOptions options)
        : base(nsp)
    {
        _connection = connection;
        _options = options;
        _logger = connection.Logger;
        _parser = JsValues.JsonParserOf(nsp.Server.Parser);
        _requests = new ClusterRequests(nsp.Server.Options.TimeProvider);
        Uid = WireFormat.RandomHexId();
        _publicChannel = $"{options.ChannelPrefix}#{nsp.Name}#";
        _privateChannel = $"{options.ChannelPrefix}#{nsp.Name}#{Uid}#";
    }

    /// <summary>This node's id on the wire (16 hex characters).</summary>
    public string Uid { get; }

    /// <summary>Completes once the request/response channels are subscribed and the stream is being read.</summary>
    public Task Subscribed => Task.WhenAll(_subscriptions.Subscribed, ReaderStarted);

    internal Task ReaderStarted { get; init; } = Task.CompletedTask;

    private bool RecoveryEnabled => Namespace.Server.Options.ConnectionStateRecovery is not null;

    /// <summary>
    /// Subscribes to the request and response channels in the background, waiting for the connection and retrying
    /// every 500 ms until it succeeds. Broadcasts arrive through the stream reader the factory shares between namespaces.
    /// </summary>
    public override async ValueTask InitAsync()
    {
        await base.InitAsync().ConfigureAwait(false);
        _ = SubscribeAsync();
    }

    private Task SubscribeAsync() => _subscriptions.RunAsync(_connection, SubscribeChannelsAsync, _logger, Uid, Namespace.Name, "streams");

    private async Task<ChannelMessageQueue[]> SubscribeChannelsAsync(ISubscriber subscriber)
    {
        var shared = await subscriber.SubscribeAsync(RedisChannel.Literal(_publicChannel)).ConfigureAwait(false);
        shared.OnMessage(OnPubSubMessage);
        var own = await subscriber.SubscribeAsync(RedisChannel.Literal(_privateChannel)).ConfigureAwait(false);
        own.OnMessage(OnPubSubMessage);
        return [shared, own];
    }

    /// <summary>Unsubscribes from the request and response channels.</summary>
    public override async ValueTask DisposeAsync()
    {
        await _subscriptions.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    // ---- Operations ------------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public override ValueTask BroadcastAsync(BroadcastPacket packet, BroadcastOptions options)
    {
        if (options.Local)
        {
            return base.BroadcastAsync(packet, options);
        }

        var data = new Dictionary<string, object?>
        {
            ["packet"] = WireFormat.ToPacket(packet, _parser),
            ["opts"] = WireFormat.ToOptions(options),
        };
        var added = _connection.StreamAddAsync(_options.StreamName, StreamEntry(Broadcast, data), _options.MaxLength);

        // Local delivery waits for the entry id (the recovery offset), in the order the broadcasts were made.
        var delivery = new LocalDelivery(added, packet, options);
        lock (_localSync)
        {
            _localDeliveries.Enqueue(delivery);
        }

        added.ContinueWith(static (_, state) => ((RedisStreamsAdapter)state!).DeliverCompleted(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new ValueTask(delivery.Delivered.Task);
    }

    private void DeliverCompleted()
    {
        lock (_localSync)
        {
            while (_localDeliveries.TryPeek(out var head) && head.Added.IsCompleted)
            {
                _localDeliveries.Dequeue();
                var offset = head.Added.Result;
                var packet = offset is not null && RecoveryEnabled && !head.Options.Volatile ? head.Packet.WithOffset(offset) : head.Packet;
                try
                {
                    _ = DeliverLocally(packet, head.Options);
                    head.Delivered.TrySetResult();
                }
                catch (Exception e)
                {
                    head.Delivered.TrySetException(e);
                }
            }
        }
    }

    private ValueTask DeliverLocally(BroadcastPacket packet, BroadcastOptions options) => base.BroadcastAsync(packet, options);

    /// <inheritdoc/>
    public override ValueTask BroadcastWithAckAsync(BroadcastPacket packet, BroadcastOptions options, Action<int> onClientCount, Action<SocketIOArguments?> onAck)
    {
        if (!options.Local)
        {
            var requestId = WireFormat.RandomHexId();
            _requests.StartAck(requestId, onClientCount, onAck, options.Timeout ?? _options.RequestsTimeout);
            PublishMessage(_publicChannel, Broadcast, new Dictionary<string, object?>
            {
                ["packet"] = WireFormat.ToPacket(packet, _parser),
                ["requestId"] = requestId,
                ["opts"] = WireFormat.ToOptions(options),
            });
        }

        return base.BroadcastWithAckAsync(packet, options, onClientCount, onAck);
    }

    /// <inheritdoc/>
    public override async ValueTask AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        if (!options.Local)
        {
            await _connection.StreamAddAsync(_options.StreamName, StreamEntry(SocketsJoin, new Dictionary<string, object?>
            {
                ["opts"] = WireFormat.ToOptions(options),
                ["rooms"] = rooms.Cast<object?>().ToList(),
            }), _options.MaxLength).ConfigureAwait(false);
        }

        await base.AddSocketsAsync(options, rooms).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async ValueTask DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        if (!options.Local)
        {
            await _connection.StreamAddAsync(_options.StreamName, StreamEntry(SocketsLeave, new Dictionary<string, object?>
            {
                ["opts"] = WireFormat.ToOptions(options),
                ["rooms"] = rooms.Cast<object?>().ToList(),
            }), _options.MaxLength).ConfigureAwait(false);
        }

        await base.DelSocketsAsync(options, rooms).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async ValueTask DisconnectSocketsAsync(BroadcastOptions options, bool close)
    {
        if (!options.Local)
        {
            await _connection.StreamAddAsync(_options.StreamName, StreamEntry(DisconnectSockets, new Dictionary<string, object?>
            {
                ["opts"] = WireFormat.ToOptions(options),
                ["close"] = close,
            }), _options.MaxLength).ConfigureAwait(false);
        }

        await base.DisconnectSocketsAsync(options, close).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async ValueTask<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
    {
        var local = await base.FetchSocketsAsync(options).ConfigureAwait(false);
        if (options.Local)
        {
            return local;
        }

        var responses = await RequestAsync("fetchSockets", FetchSockets, new Dictionary<string, object?> { ["opts"] = WireFormat.ToOptions(options) }, options.Timeout, default).ConfigureAwait(false);
        var result = new List<RemoteSocket>(local);
        foreach (var response in responses)
        {
            if (response.Get("sockets") is List<object?> sockets)
            {
                foreach (var socket in sockets)
                {
                    result.Add(WireFormat.FromSocket(Namespace, socket));
                }
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public override ValueTask ServerSideEmitAsync(string eventName, object?[] args)
    {
        PublishMessage(_publicChannel, ServerSideEmit, new Dictionary<string, object?> { ["packet"] = JsValues.EventData(eventName, args, _parser) });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<SocketIOArguments>> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var responses = await RequestAsync("serverSideEmit", ServerSideEmit, new Dictionary<string, object?> { ["packet"] = JsValues.EventData(eventName, args, _parser) }, timeout, cancellationToken).ConfigureAwait(false);
        var result = new List<SocketIOArguments>(responses.Count);
        foreach (var response in responses)
        {
            result.Add(new ClusterArguments([response.Get("packet")], _parser));
        }

        return result;
    }

    /// <summary>How many servers, .NET or Node.js, are subscribed to the cluster's shared channel (this one included).</summary>
    public override ValueTask<int> ServerCountAsync() => _connection.CountSubscribersAsync(_publicChannel);

    private async Task<List<Dictionary<string, object?>>> RequestAsync(string operation, long type, Dictionary<string, object?> data, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var expected = await ServerCountAsync().ConfigureAwait(false) - 1;
        if (expected <= 0)
        {
            return [];
        }

        var requestId = WireFormat.RandomHexId();
        data["requestId"] = requestId;
        return await _requests.SendAsync(
            requestId, operation, type, expected, () => PublishMessage(_publicChannel, type, data), timeout ?? _options.RequestsTimeout, cancellationToken).ConfigureAwait(false);
    }

    // ---- Connection state recovery ------------------------------------------------------------------------------

    /// <summary>Stores the session in Redis under <see cref="RedisStreamsAdapterOptions.SessionKeyPrefix"/> so that any server of the cluster can restore it; the key expires after <see cref="ConnectionStateRecoveryOptions.MaxDisconnectionDuration"/>.</summary>
    public override async ValueTask PersistSessionAsync(SocketSession session)
    {
        if (Namespace.Server.Options.ConnectionStateRecovery is not { } recovery)
        {
            return;
        }

        var encoded = NotepackWriter.Encode(new Dictionary<string, object?>
        {
            ["sid"] = session.Sid,
            ["pid"] = session.Pid,
            ["rooms"] = session.Rooms.Cast<object?>().ToList(),
            ["data"] = JsValues.FromClr(session.Data, _parser),
        });
        try
        {
            var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
            await multiplexer.GetDatabase().StringSetAsync(_options.SessionKeyPrefix + session.Pid, Convert.ToBase64String(encoded), recovery.MaxDisconnectionDuration).ConfigureAwait(false);
            _ = WatchExpiryAsync(session, recovery.MaxDisconnectionDuration);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            RedisAdapterLog.PersistFailed(_logger, session.Pid, e);
        }
    }

    /// <summary>
    /// Raises <see cref="SocketIOAdapter.SessionExpired"/> on the node that kept the session when Redis expires it
    /// unrecovered. Redis deletes the key both when another node recovers the session (GETDEL) and when it expires, so
    /// the key is checked just before its expiry (gone: recovered) and just after (gone then: expired). A recovery in
    /// the last <see cref="ExpiryCheckMargin"/> is reported as an expiry.
    /// </summary>
    private async Task WatchExpiryAsync(SocketSession session, TimeSpan ttl)
    {
        var key = _options.SessionKeyPrefix + session.Pid;
        try
        {
            var margin = ttl > ExpiryCheckMargin * 4 ? ExpiryCheckMargin : ttl / 4;
            await Task.Delay(ttl - margin, TimeProvider, _subscriptions.Disposed).ConfigureAwait(false);
            var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
            if (!await database.KeyExistsAsync(key).ConfigureAwait(false))
            {
                return; // recovered
            }

            await Task.Delay(margin * 2, TimeProvider, _subscriptions.Disposed).ConfigureAwait(false);
            if (!await database.KeyExistsAsync(key).ConfigureAwait(false))
            {
                OnSessionExpired(session);
            }
        }
        catch (OperationCanceledException)
        {
            // The adapter is shutting down.
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            RedisAdapterLog.PersistFailed(_logger, session.Pid, e);
        }
    }

    private static readonly TimeSpan ExpiryCheckMargin = TimeSpan.FromMilliseconds(250);

    /// <summary>Restores a session any server of the cluster persisted, with the stream entries broadcast after <paramref name="offset"/>; null when it expired or the offset is no longer in the stream.</summary>
    public override async ValueTask<RecoveredSession?> RestoreSessionAsync(string pid, string offset)
    {
        if (!StreamOffset().IsMatch(offset))
        {
            return null;
        }

        try
        {
            var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
            // A session is restored at most once: read and delete it in one command (GETDEL, Redis 6.2+).
            var get = database.StringGetDeleteAsync(_options.SessionKeyPrefix + pid);
            var exists = database.StreamRangeAsync(_options.StreamName, offset, offset);
            var raw = await get.ConfigureAwait(false);
            if (raw.IsNull || (await exists.ConfigureAwait(false)).Length == 0)
            {
                return null;
            }

            if (NotepackReader.Decode(Convert.FromBase64String(raw.ToString())) is not Dictionary<string, object?> stored ||
                stored.GetString("sid") is not { } sid)
            {
                return null;
            }

            var rooms = stored.GetStrings("rooms");
            var data = stored.Get("data") as Dictionary<string, object?> ?? [];
            var missed = await ReadPacketsAfterAsync(database, offset, rooms).ConfigureAwait(false);
            return new RecoveredSession(new SocketSession(sid, pid, rooms, data), missed);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or InvalidDataException or FormatException)
        {
            RedisAdapterLog.RestoreFailed(_logger, pid, e);
            return null;
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<IReadOnlyList<BroadcastPacket>> GetPacketsAfterAsync(string offset, IReadOnlyCollection<string> rooms)
    {
        if (!StreamOffset().IsMatch(offset))
        {
            return [];
        }

        try
        {
            var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
            return await ReadPacketsAfterAsync(database, offset, [.. rooms]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or InvalidDataException or FormatException)
        {
            RedisAdapterLog.RestoreFailed(_logger, offset, e);
            return [];
        }
    }

    /// <summary>The broadcasts of this namespace kept in the stream after <paramref name="offset"/> that <paramref name="rooms"/> would receive.</summary>
    private async Task<List<BroadcastPacket>> ReadPacketsAfterAsync(IDatabase database, string offset, string[] rooms)
    {
        var missed = new List<BroadcastPacket>();
        for (var page = 0; page < RestoreMaxPages; page++)
        {
            var entries = await database.StreamRangeAsync(_options.StreamName, NextOffset(offset), "+", RestorePageSize).ConfigureAwait(false);
            if (entries.Length == 0)
            {
                break;
            }

            foreach (var entry in entries)
            {
                offset = entry.Id.ToString();
                var fields = ToFields(entry.Values);
                if (fields.GetValueOrDefault("nsp") != Namespace.Name || fields.GetValueOrDefault("type") != "3" ||
                    DecodeData(fields.GetValueOrDefault("data")) is not Dictionary<string, object?> message ||
                    message.Get("requestId") is not null ||
                    WireFormat.FromPacket(message.Get("packet"), Namespace.Name) is not { } packet)
                {
                    continue;
                }

                var options = WireFormat.FromOptions(message.Get("opts"));
                if (!options.Volatile && ShouldInclude(rooms, options))
                {
                    missed.Add(packet.WithOffset(offset));
                }
            }
        }

        return missed;
    }

    private static bool ShouldInclude(string[] socketRooms, BroadcastOptions options)
    {
        var included = options.Rooms.Count == 0 || socketRooms.Any(options.Rooms.Contains);
        return included && !socketRooms.Any(options.Except.Contains);
    }

    /// <summary>The id right after <paramref name="offset"/> (exclusive ranges need Redis 6.2; this works everywhere).</summary>
    private static string NextOffset(string offset)
    {
        var dash = offset.IndexOf('-', StringComparison.Ordinal);
        return offset[..dash] + "-" + (ulong.Parse(offset.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^[0-9]+-[0-9]+$")]
    private static partial Regex StreamOffset();

    // ---- Encoding ------------------------------------------------------------------------------------------------

    /// <summary>The stream entry <c>uid, nsp, type, data</c>: data as JSON, or base64 msgpack when it holds binary.</summary>
    private NameValueEntry[] StreamEntry(long type, Dictionary<string, object?> data)
    {
        string encoded;
        if (type is Broadcast or FetchSocketsResponse or ServerSideEmit or ServerSideEmitResponse or BroadcastAck && JsValues.HasBinary(data))
        {
            encoded = Convert.ToBase64String(NotepackWriter.Encode(data));
        }
        else
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                JsValues.WriteJson(writer, data, _parser);
            }

            encoded = Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        return
        [
            new NameValueEntry("uid", Uid),
            new NameValueEntry("nsp", Namespace.Name),
            new NameValueEntry("type", type.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new NameValueEntry("data", encoded),
        ];
    }

    private static object? DecodeData(string? data)
    {
        if (string.IsNullOrEmpty(data))
        {
            return null;
        }

        return data[0] == '{' ? JsValues.ParseJson(Encoding.UTF8.GetBytes(data)) : NotepackReader.Decode(Convert.FromBase64String(data));
    }

    private static Dictionary<string, string?> ToFields(NameValueEntry[] values)
    {
        var fields = new Dictionary<string, string?>(values.Length, StringComparer.Ordinal);
        foreach (var value in values)
        {
            fields[value.Name.ToString()] = value.Value.ToString();
        }

        return fields;
    }

    /// <summary>Publishes <c>{type, data, uid, nsp}</c> as msgpack (requests that need no ordering, and responses).</summary>
    private bool PublishMessage(string channel, long type, Dictionary<string, object?> data) =>
        _connection.Publish(RedisChannel.Literal(channel), NotepackWriter.Encode(new Dictionary<string, object?>
        {
            ["type"] = type,
            ["data"] = data,
            ["uid"] = Uid,
            ["nsp"] = Namespace.Name,
        }));

    private void PublishResponse(string requesterUid, long type, Dictionary<string, object?> data) =>
        PublishMessage($"{_options.ChannelPrefix}#{Namespace.Name}#{requesterUid}#", type, data);

    // ---- Incoming ----------------------------------------------------------------------------------------------------

    /// <summary>An entry of the stream, for this namespace (called by the factory's reader, in stream order).</summary>
    internal void OnStreamEntry(Dictionary<string, string?> fields, string id)
    {
        try
        {
            if (!long.TryParse(fields.GetValueOrDefault("type"), System.Globalization.CultureInfo.InvariantCulture, out var type))
            {
                return;
            }

            var data = DecodeData(fields.GetValueOrDefault("data")) as Dictionary<string, object?>;
            OnMessage(fields.GetValueOrDefault("uid"), fields.GetValueOrDefault("nsp"), type, data ?? [], id);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or JsonException)
        {
            RedisAdapterLog.MalformedMessage(_logger, _options.StreamName, e);
        }
    }

    private void OnPubSubMessage(ChannelMessage message)
    {
        try
        {
            if (NotepackReader.Decode((byte[])message.Message!) is not Dictionary<string, object?> decoded || decoded.GetInt64("type") is not { } type)
            {
                return;
            }

            OnMessage(decoded.GetString("uid"), decoded.GetString("nsp"), type, decoded.Get("data") as Dictionary<string, object?> ?? [], null);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidCastException)
        {
            RedisAdapterLog.MalformedMessage(_logger, message.Channel.ToString(), e);
        }
    }

    private void OnMessage(string? uid, string? nsp, long type, Dictionary<string, object?> data, string? offset)
    {
        if (uid == Uid || nsp != Namespace.Name)
        {
            return;
        }

        _connection.Metrics.Received();
        _ = HandleAsync(uid ?? string.Empty, type, data, offset);
    }

    private async Task HandleAsync(string uid, long type, Dictionary<string, object?> data, string? offset)
    {
        try
        {
            switch (type)
            {
                case Broadcast:
                    {
                        if (WireFormat.FromPacket(data.Get("packet"), Namespace.Name) is not { } packet)
                        {
                            return;
                        }

                        var options = WireFormat.FromOptions(data.Get("opts")) with { Local = true };
                        if (data.GetString("requestId") is { } requestId)
                        {
                            await base.BroadcastWithAckAsync(
                                packet,
                                options,
                                count => PublishResponse(uid, BroadcastClientCount, new Dictionary<string, object?> { ["requestId"] = requestId, ["clientCount"] = (long)count }),
                                reply =>
                                {
                                    if (reply is not null)
                                    {
                                        PublishResponse(uid, BroadcastAck, new Dictionary<string, object?>
                                        {
                                            ["requestId"] = requestId,
                                            ["packet"] = reply.Count > 0 ? JsValues.FromClr(reply.GetRaw(0), _parser) : null,
                                        });
                                    }
                                }).ConfigureAwait(false);
                            return;
                        }

                        if (offset is not null && RecoveryEnabled && !options.Volatile)
                        {
                            packet = packet.WithOffset(offset);
                        }

                        await base.BroadcastAsync(packet, options).ConfigureAwait(false);
                        return;
                    }

                case SocketsJoin:
                    await base.AddSocketsAsync(WireFormat.FromOptions(data.Get("opts")) with { Local = true }, data.GetStrings("rooms")).ConfigureAwait(false);
                    return;
                case SocketsLeave:
                    await base.DelSocketsAsync(WireFormat.FromOptions(data.Get("opts")) with { Local = true }, data.GetStrings("rooms")).ConfigureAwait(false);
                    return;
                case DisconnectSockets:
                    await base.DisconnectSocketsAsync(WireFormat.FromOptions(data.Get("opts")) with { Local = true }, JsValues.IsTruthy(data.Get("close"))).ConfigureAwait(false);
                    return;
                case FetchSockets:
                    {
                        var sockets = await base.FetchSocketsAsync(WireFormat.FromOptions(data.Get("opts")) with { Local = true }).ConfigureAwait(false);
                        PublishResponse(uid, FetchSocketsResponse, new Dictionary<string, object?>
                        {
                            ["requestId"] = data.GetString("requestId"),
                            ["sockets"] = sockets.Select(s => (object?)WireFormat.ToSocket(s, _parser)).ToList(),
                        });
                        return;
                    }

                case ServerSideEmit:
                    {
                        if (data.Get("packet") is not List<object?> { Count: > 0 } packet || packet[0] is not string eventName)
                        {
                            return;
                        }

                        var requestId = data.GetString("requestId");
                        Action<object?>? ack = requestId is null
                            ? null
                            : reply => PublishResponse(uid, ServerSideEmitResponse, new Dictionary<string, object?>
                            {
                                ["requestId"] = requestId,
                                ["packet"] = JsValues.FromClr(reply, _parser),
                            });
                        OnServerSideEmit(eventName, new ClusterArguments(packet.GetRange(1, packet.Count - 1), _parser), ack);
                        return;
                    }

                case BroadcastClientCount:
                    _requests.FindAck(data.GetString("requestId"))?.OnClientCount((int)(data.GetInt64("clientCount") ?? 0));
                    return;
                case BroadcastAck:
                    _requests.FindAck(data.GetString("requestId"))?.OnAck(new ClusterArguments([data.Get("packet")], _parser));
                    return;
                case FetchSocketsResponse or ServerSideEmitResponse:
                    _requests.Find(data.GetString("requestId"))?.Add(data);
                    return;
            }
        }
        catch (Exception e)
        {
            RedisAdapterLog.MessageFailed(_logger, type, Namespace.Name, e);
        }
    }

    private sealed class LocalDelivery(Task<string?> added, BroadcastPacket packet, BroadcastOptions options)
    {
        public Task<string?> Added { get; } = added;

        public BroadcastPacket Packet { get; } = packet;

        public BroadcastOptions Options { get; } = options;

        public TaskCompletionSource Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
