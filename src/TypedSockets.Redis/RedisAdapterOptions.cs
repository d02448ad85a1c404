namespace TypedSockets.Redis;

/// <summary>Settings of the Redis pub/sub adapter; defaults are those of <c>@socket.io/redis-adapter</c>.</summary>
public sealed class RedisAdapterOptions
{
    /// <summary>The prefix of every channel (<c>key</c> in the reference). Default "socket.io".</summary>
    public string Key { get; set; } = "socket.io";

    /// <summary>How long a request to the other nodes (fetchSockets, allRooms, serverSideEmit with ack) waits. Default 5 s.</summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Answer requests on the requester's own channel rather than the shared one (as the reference's option). Default false.</summary>
    public bool PublishOnSpecificResponseChannel { get; set; }

    /// <summary>Most messages waiting to be sent to Redis; past it new ones are dropped (counted and logged). Default 10,000.</summary>
    public int MaxPendingMessages { get; set; } = 10_000;
}

/// <summary>Settings of the Redis streams adapter; defaults are those of <c>@socket.io/redis-streams-adapter</c>.</summary>
public sealed class RedisStreamsAdapterOptions
{
    /// <summary>The stream every node appends to and reads. Default "socket.io".</summary>
    public string StreamName { get; set; } = "socket.io";

    /// <summary>The prefix of the pub/sub channels used for requests and responses. Default "socket.io".</summary>
    public string ChannelPrefix { get; set; } = "socket.io";

    /// <summary>The stream is trimmed to about this many entries (<c>MAXLEN ~</c>). Default 10,000.</summary>
    public int MaxLength { get; set; } = 10_000;

    /// <summary>Entries read per XREAD. Default 100.</summary>
    public int ReadCount { get; set; } = 100;

    /// <summary>How long one XREAD blocks waiting for entries. Default 1 s.</summary>
    public TimeSpan BlockTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The key prefix of sessions kept for connection state recovery. Default "sio:session:".</summary>
    public string SessionKeyPrefix { get; set; } = "sio:session:";

    /// <summary>How long a request to the other nodes waits. Default 5 s.</summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most messages waiting to be sent to Redis; past it new ones are dropped (counted and logged). Default 10,000.</summary>
    public int MaxPendingMessages { get; set; } = 10_000;
}
