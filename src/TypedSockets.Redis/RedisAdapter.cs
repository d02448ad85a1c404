using System.Buffers;
using System.Text.Json;
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
/// The Redis pub/sub adapter, wire compatible with <c>@socket.io/redis-adapter</c> 8.x: .NET and Node.js servers can
/// share one cluster. Broadcasts go on <c>socket.io#&lt;nsp&gt;#[&lt;room&gt;#]</c> as notepack msgpack; requests on
/// <c>socket.io-request#&lt;nsp&gt;#</c> (JSON, or msgpack for acknowledged broadcasts); responses on
/// <c>socket.io-response#&lt;nsp&gt;#</c>. Local delivery never waits for Redis.
/// </summary>
public sealed class RedisAdapter : InMemoryAdapter
{
    private const long Sockets = 0, AllRooms = 1, RemoteJoin = 2, RemoteLeave = 3, RemoteDisconnect = 4, RemoteFetch = 5,
        ServerSideEmit = 6, Broadcast = 7, BroadcastClientCount = 8, BroadcastAck = 9;

    private readonly RedisClusterConnection _connection;
    private readonly RedisAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly JsonSocketIOParser _parser;
    private readonly ClusterRequests _requests;
    private readonly string _channel;
    private readonly string _requestChannel;
    private readonly string _responseChannel;
    private readonly string _specificResponseChannel;
    private readonly RedisSubscriptions _subscriptions = new();

    internal RedisAdapter(SocketIONamespace nsp, RedisClusterConnection connection, RedisAdapterOptions options)
        : base(nsp)
    {
        _connection = connection;
        _options = options;
        _logger = connection.Logger;
        _parser = JsValues.JsonParserOf(nsp.Server.Parser);
        _requests = new ClusterRequests(nsp.Server.Options.TimeProvider);
        Uid = WireFormat.Uid2(6);
        _channel = $"{options.Key}#{nsp.Name}#";
        _requestChannel = $"{options.Key}-request#{nsp.Name}#";
        _responseChannel = $"{options.Key}-response#{nsp.Name}#";
        _specificResponseChannel = $"{_responseChannel}{Uid}#";
    }

    /// <summary>This node's id on the wire (6 characters).</summary>
    public string Uid { get; }

    /// <summary>Completes once the channels are subscribed.</summary>
    public Task Subscribed => _subscriptions.Subscribed;


    /// <summary>
    /// Subscribes to the namespace's channels in the background, waiting for the connection and retrying every 500 ms
    /// until it succeeds; until then this server receives none of the other servers' broadcasts and requests.
    /// </summary>
    public override async ValueTask InitAsync()
    {
        await base.InitAsync().ConfigureAwait(false);
        _ = SubscribeAsync();
    }

    private Task SubscribeAsync() => _subscriptions.RunAsync(_connection, SubscribeChannelsAsync, _logger, Uid, Namespace.Name, "pub/sub");

    private async Task<ChannelMessageQueue[]> SubscribeChannelsAsync(ISubscriber subscriber)
    {
        var broadcasts = await subscriber.SubscribeAsync(RedisChannel.Pattern(_channel + "*")).ConfigureAwait(false);
        broadcasts.OnMessage(OnBroadcastMessage);
        var requests = await subscriber.SubscribeAsync(RedisChannel.Literal(_requestChannel)).ConfigureAwait(false);
        requests.OnMessage(OnRequestMessage);
        var responses = await subscriber.SubscribeAsync(RedisChannel.Literal(_responseChannel)).ConfigureAwait(false);
        responses.OnMessage(OnResponseMessage);
        var specific = await subscriber.SubscribeAsync(RedisChannel.Literal(_specificResponseChannel)).ConfigureAwait(false);
        specific.OnMessage(OnResponseMessage);
        return [broadcasts, requests, responses, specific];
    }

    /// <summary>Unsubscribes from the namespace's channels.</summary>
    public override async ValueTask DisposeAsync()
    {
        await _subscriptions.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    // ---- Operations ------------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public override ValueTask BroadcastAsync(BroadcastPacket packet, BroadcastOptions options)
    {
        if (!options.Local)
        {
            var message = NotepackWriter.Encode(new List<object?> { Uid, WireFormat.ToPacket(packet, _parser), WireFormat.ToOptions(options) });
            var channel = options.Rooms.Count == 1 ? $"{_channel}{options.Rooms.First()}#" : _channel;
            _connection.Publish(RedisChannel.Literal(channel), message);
        }

        return base.BroadcastAsync(packet, options);
    }

    /// <inheritdoc/>
    public override ValueTask BroadcastWithAckAsync(BroadcastPacket packet, BroadcastOptions options, Action<int> onClientCount, Action<SocketIOArguments?> onAck)
    {
        if (!options.Local)
        {
            var requestId = WireFormat.Uid2(6);
            _requests.StartAck(requestId, onClientCount, onAck, options.Timeout ?? _options.RequestsTimeout);
            var request = new Dictionary<string, object?>
            {
                ["uid"] = Uid,
                ["requestId"] = requestId,
                ["type"] = Broadcast,
                ["packet"] = WireFormat.ToPacket(packet, _parser),
                ["opts"] = WireFormat.ToOptions(options),
            };
            _connection.Publish(RedisChannel.Literal(_requestChannel), NotepackWriter.Encode(request));
        }

        return base.BroadcastWithAckAsync(packet, options, onClientCount, onAck);
    }

    /// <inheritdoc/>
    public override async ValueTask<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
    {
        var local = await base.FetchSocketsAsync(options).ConfigureAwait(false);
        if (options.Local)
        {
            return local;
        }

        var responses = await RequestAsync("fetchSockets", RemoteFetch, new Dictionary<string, object?> { ["opts"] = WireFormat.ToOptions(options, withFlags: false) }, null, default).ConfigureAwait(false);
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
    public override async ValueTask<IReadOnlyCollection<string>> GetAllRoomsAsync()
    {
        var rooms = new HashSet<string>(GetRooms(), StringComparer.Ordinal);
        var responses = await RequestAsync("allRooms", AllRooms, [], null, default).ConfigureAwait(false);
        foreach (var response in responses)
        {
            rooms.UnionWith(response.GetStrings("rooms"));
        }

        return rooms;
    }

    /// <inheritdoc/>
    public override ValueTask AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        PublishRemoteOperation(options, RemoteJoin, "rooms", rooms.Cast<object?>().ToList());
        return base.AddSocketsAsync(options, rooms);
    }

    /// <inheritdoc/>
    public override ValueTask DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        PublishRemoteOperation(options, RemoteLeave, "rooms", rooms.Cast<object?>().ToList());
        return base.DelSocketsAsync(options, rooms);
    }

    /// <inheritdoc/>
    public override ValueTask DisconnectSocketsAsync(BroadcastOptions options, bool close)
    {
        PublishRemoteOperation(options, RemoteDisconnect, "close", close);
        return base.DisconnectSocketsAsync(options, close);
    }

    private void PublishRemoteOperation(BroadcastOptions options, long type, string key, object? value)
    {
        if (options.Local)
        {
            return;
        }

        PublishJson(_requestChannel, new Dictionary<string, object?>
        {
            ["uid"] = Uid,
            ["type"] = type,
            ["opts"] = WireFormat.ToOptions(options, withFlags: false),
            [key] = value,
        });
    }

    /// <inheritdoc/>
    public override ValueTask ServerSideEmitAsync(string eventName, object?[] args)
    {
        PublishJson(_requestChannel, new Dictionary<string, object?>
        {
            ["uid"] = Uid,
            ["type"] = ServerSideEmit,
            ["data"] = JsValues.EventData(eventName, args, _parser),
        });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<SocketIOArguments>> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var responses = await RequestAsync("serverSideEmit", ServerSideEmit, new Dictionary<string, object?> { ["data"] = JsValues.EventData(eventName, args, _parser) }, timeout, cancellationToken).ConfigureAwait(false);
        var result = new List<SocketIOArguments>(responses.Count);
        foreach (var response in responses)
        {
            result.Add(new ClusterArguments([response.Get("data")], _parser));
        }

        return result;
    }

    /// <summary>How many servers, .NET or Node.js, are subscribed to this namespace's request channel (this one included).</summary>
    public override ValueTask<int> ServerCountAsync() => _connection.CountSubscribersAsync(_requestChannel);

    /// <summary>Sends a request to every other node and waits for each answer (none when alone).</summary>
    private async Task<List<Dictionary<string, object?>>> RequestAsync(string operation, long type, Dictionary<string, object?> fields, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var expected = await ServerCountAsync().ConfigureAwait(false) - 1;
        if (expected <= 0)
        {
            return [];
        }

        var requestId = WireFormat.Uid2(6);
        var request = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["uid"] = Uid,
            ["requestId"] = requestId,
            ["type"] = type,
        };
        foreach (var (key, value) in fields)
        {
            request[key] = value;
        }

        return await _requests.SendAsync(
            requestId, operation, type, expected, () => PublishJson(_requestChannel, request), timeout ?? _options.RequestsTimeout, cancellationToken).ConfigureAwait(false);
    }

    private bool PublishJson(string channel, Dictionary<string, object?> message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            JsValues.WriteJson(writer, message, _parser);
        }

        return _connection.Publish(RedisChannel.Literal(channel), buffer.WrittenSpan.ToArray());
    }

    private void PublishResponse(Dictionary<string, object?> request, object response)
    {
        var channel = _options.PublishOnSpecificResponseChannel && request.GetString("uid") is { } uid ? $"{_responseChannel}{uid}#" : _responseChannel;
        if (response is Dictionary<string, object?> json)
        {
            PublishJson(channel, json);
        }
        else
        {
            _connection.Publish(RedisChannel.Literal(channel), (byte[])response);
        }
    }

    // ---- Incoming ----------------------------------------------------------------------------------------------------

    private static object? DecodeMessage(byte[] payload) =>
        payload.Length > 0 && payload[0] == (byte)'{' ? JsValues.ParseJson(payload) : NotepackReader.Decode(payload);

    private void OnBroadcastMessage(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        if (!channel.StartsWith(_channel, StringComparison.Ordinal))
        {
            return;
        }

        var room = channel.Length > _channel.Length ? channel[_channel.Length..^1] : string.Empty;
        if (room.Length > 0 && GetSockets([room]).Count == 0)
        {
            return; // a room this node does not hold
        }

        try
        {
            if (NotepackReader.Decode((byte[])message.Message!) is not List<object?> { Count: >= 3 } parts || parts[0] is string uid && uid == Uid)
            {
                return;
            }

            _connection.Metrics.Received();
            if (WireFormat.FromPacket(parts[1], Namespace.Name) is { } packet)
            {
                var options = WireFormat.FromOptions(parts[2]);
                _ = base.BroadcastAsync(packet, options);
            }
        }
        catch (Exception e) when (e is InvalidDataException or InvalidCastException)
        {
            RedisAdapterLog.MalformedMessage(_logger, channel, e);
        }
    }

    private void OnRequestMessage(ChannelMessage message)
    {
        Dictionary<string, object?>? request;
        try
        {
            request = DecodeMessage((byte[])message.Message!) as Dictionary<string, object?>;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            RedisAdapterLog.MalformedMessage(_logger, message.Channel.ToString(), e);
            return;
        }

        if (request is null || request.GetInt64("type") is not { } type)
        {
            return;
        }

        _connection.Metrics.Received();
        _ = HandleRequestAsync(request, type);
    }

    private async Task HandleRequestAsync(Dictionary<string, object?> request, long type)
    {
        var requestId = request.GetString("requestId");
        var fromSelf = request.GetString("uid") == Uid;
        try
        {
            switch (type)
            {
                case Sockets when !_requests.IsOwn(requestId) && !fromSelf:
                    PublishResponse(request, new Dictionary<string, object?>
                    {
                        ["requestId"] = requestId,
                        ["sockets"] = GetSockets(request.GetStrings("rooms")).Cast<object?>().ToList(),
                    });
                    break;
                case AllRooms when !_requests.IsOwn(requestId) && !fromSelf:
                    PublishResponse(request, new Dictionary<string, object?>
                    {
                        ["requestId"] = requestId,
                        ["rooms"] = GetRooms().Cast<object?>().ToList(),
                    });
                    break;
                case RemoteJoin or RemoteLeave or RemoteDisconnect when !fromSelf:
                    await HandleRemoteOperationAsync(request, type, requestId).ConfigureAwait(false);
                    break;
                case RemoteFetch when !_requests.IsOwn(requestId) && !fromSelf:
                    {
                        var sockets = await base.FetchSocketsAsync(WireFormat.FromOptions(request.Get("opts")) with { Local = true }).ConfigureAwait(false);
                        PublishResponse(request, new Dictionary<string, object?>
                        {
                            ["requestId"] = requestId,
                            ["sockets"] = sockets.Select(s => (object?)WireFormat.ToSocket(s, _parser)).ToList(),
                        });
                        break;
                    }

                case ServerSideEmit when !fromSelf:
                    HandleServerSideEmit(request, requestId);
                    break;
                case Broadcast when !_requests.IsOwn(requestId) && !fromSelf:
                    {
                        if (WireFormat.FromPacket(request.Get("packet"), Namespace.Name) is not { } packet)
                        {
                            break;
                        }

                        var options = WireFormat.FromOptions(request.Get("opts")) with { Local = true };
                        await base.BroadcastWithAckAsync(
                            packet,
                            options,
                            count => PublishResponse(request, new Dictionary<string, object?>
                            {
                                ["type"] = BroadcastClientCount,
                                ["requestId"] = requestId,
                                ["clientCount"] = (long)count,
                            }),
                            reply =>
                            {
                                if (reply is null)
                                {
                                    return;
                                }

                                PublishResponse(request, NotepackWriter.Encode(new Dictionary<string, object?>
                                {
                                    ["type"] = BroadcastAck,
                                    ["requestId"] = requestId,
                                    ["packet"] = reply.Count > 0 ? JsValues.FromClr(reply.GetRaw(0), _parser) : null,
                                }));
                            }).ConfigureAwait(false);
                        break;
                    }
            }
        }
        catch (Exception e)
        {
            RedisAdapterLog.MessageFailed(_logger, type, Namespace.Name, e);
        }
    }

    private async Task HandleRemoteOperationAsync(Dictionary<string, object?> request, long type, string? requestId)
    {
        if (request.Get("opts") is not null)
        {
            var options = WireFormat.FromOptions(request.Get("opts")) with { Local = true };
            switch (type)
            {
                case RemoteJoin:
                    await base.AddSocketsAsync(options, request.GetStrings("rooms")).ConfigureAwait(false);
                    break;
                case RemoteLeave:
                    await base.DelSocketsAsync(options, request.GetStrings("rooms")).ConfigureAwait(false);
                    break;
                default:
                    await base.DisconnectSocketsAsync(options, JsValues.IsTruthy(request.Get("close"))).ConfigureAwait(false);
                    break;
            }

            return;
        }

        // The older single-socket form: {sid, room} / {sid, close}, answered with {requestId}.
        if (request.GetString("sid") is not { } sid || !Namespace.Sockets.TryGetValue(sid, out var socket))
        {
            return;
        }

        switch (type)
        {
            case RemoteJoin when request.GetString("room") is { } room:
                await socket.JoinAsync(room).ConfigureAwait(false);
                break;
            case RemoteLeave when request.GetString("room") is { } room:
                await socket.LeaveAsync(room).ConfigureAwait(false);
                break;
            case RemoteDisconnect:
                socket.Disconnect(JsValues.IsTruthy(request.Get("close")));
                break;
        }

        PublishResponse(request, new Dictionary<string, object?> { ["requestId"] = requestId });
    }

    private void HandleServerSideEmit(Dictionary<string, object?> request, string? requestId)
    {
        if (request.Get("data") is not List<object?> { Count: > 0 } data || data[0] is not string eventName)
        {
            return;
        }

        var args = new ClusterArguments(data.GetRange(1, data.Count - 1), _parser);
        Action<object?>? ack = requestId is null
            ? null
            : reply => PublishJson(_responseChannel, new Dictionary<string, object?>
            {
                ["type"] = ServerSideEmit,
                ["requestId"] = requestId,
                ["data"] = JsValues.FromClr(reply, _parser),
            });
        OnServerSideEmit(eventName, args, ack);
    }

    private void OnResponseMessage(ChannelMessage message)
    {
        Dictionary<string, object?>? response;
        try
        {
            response = DecodeMessage((byte[])message.Message!) as Dictionary<string, object?>;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            RedisAdapterLog.MalformedMessage(_logger, message.Channel.ToString(), e);
            return;
        }

        var requestId = response?.GetString("requestId");
        if (response is null || requestId is null)
        {
            return;
        }

        _connection.Metrics.Received();
        if (_requests.FindAck(requestId) is { } ack)
        {
            switch (response.GetInt64("type"))
            {
                case BroadcastClientCount:
                    ack.OnClientCount((int)(response.GetInt64("clientCount") ?? 0));
                    break;
                case BroadcastAck:
                    ack.OnAck(new ClusterArguments([response.Get("packet")], _parser));
                    break;
            }

            return;
        }

        if (_requests.Find(requestId) is { } pending)
        {
            // As the reference: a response without the expected list does not count.
            var valid = pending.Type switch
            {
                Sockets or RemoteFetch => response.Get("sockets") is List<object?>,
                AllRooms => response.Get("rooms") is List<object?>,
                _ => true,
            };
            if (valid)
            {
                pending.Add(response);
            }
        }
    }
}
