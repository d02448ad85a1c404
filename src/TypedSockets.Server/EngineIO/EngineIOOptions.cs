using Microsoft.AspNetCore.Http;

namespace TypedSockets.Server.EngineIO;

/// <summary>Which transports a server accepts.</summary>
[Flags]
public enum EngineTransports
{
    /// <summary>No transport (every request is refused).</summary>
    None = 0,
    /// <summary>HTTP long-polling.</summary>
    Polling = 1,
    /// <summary>WebSocket, either directly or as an upgrade from long-polling.</summary>
    WebSocket = 2,
    /// <summary>Both transports (the default).</summary>
    All = Polling | WebSocket,
}

/// <summary>The answer of <see cref="EngineIOOptions.AllowRequest"/>.</summary>
public readonly record struct EngineRequestVerdict(bool Allowed, string? Message)
{
    /// <summary>Accepts the request.</summary>
    public static EngineRequestVerdict Allow() => new(true, null);

    /// <summary>Deny with HTTP 403 and <c>{"code":4,"message":...}</c> (default message "Forbidden").</summary>
    public static EngineRequestVerdict Deny(string? message = null) => new(false, message);
}

/// <summary>The optional <c>io</c> cookie set on the handshake response (off by default, as in the reference).</summary>
public sealed class EngineCookieOptions
{
    /// <summary>The cookie name. Default "io".</summary>
    public string Name { get; set; } = "io";
    /// <summary>The cookie path. Default "/".</summary>
    public string Path { get; set; } = "/";
    /// <summary>Whether scripts cannot read the cookie. Default true.</summary>
    public bool HttpOnly { get; set; } = true;
    /// <summary>The SameSite mode. Default <see cref="SameSiteMode.Lax"/>.</summary>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Lax;
    /// <summary>Whether the cookie is sent over HTTPS only. Default false.</summary>
    public bool Secure { get; set; }
}

/// <summary>Engine.IO v4 server settings. Defaults are the reference server's.</summary>
public class EngineIOOptions
{
    /// <summary>How often the server sends a ping. Default 25 s.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How long the server waits for the pong before closing with "ping timeout". Default 20 s.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long an upgrade (probe to upgrade packet) may take before the WebSocket is dropped. Default 10 s.</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest POST body or WebSocket message accepted, in bytes; announced as maxPayload. Default 1,000,000.</summary>
    public long MaxHttpBufferSize { get; set; } = 1_000_000;

    /// <summary>Whether a polling session may upgrade to WebSocket. Default true.</summary>
    public bool AllowUpgrades { get; set; } = true;

    /// <summary>The accepted transports. Default both.</summary>
    public EngineTransports Transports { get; set; } = EngineTransports.All;

    /// <summary>
    /// How many outgoing messages may wait for a slow client before the session is closed with "transport error".
    /// Bounds memory per connection. Default 10,000.
    /// </summary>
    public int MaxBufferedMessages { get; set; } = 10_000;

    /// <summary>
    /// How many bytes of outgoing messages may wait for a slow client (queued, or being written to a socket the client
    /// does not read) before the session is closed with "transport error". Bounds memory per connection together with
    /// <see cref="MaxBufferedMessages"/>; one message is always accepted into an empty queue, however big.
    /// Default 16 MiB (<see cref="DefaultMaxBufferedBytes"/>).
    /// </summary>
    public long MaxBufferedBytes { get; set; } = DefaultMaxBufferedBytes;

    /// <summary>The default of <see cref="MaxBufferedBytes"/>: 16 MiB, sixteen messages of the default <see cref="MaxHttpBufferSize"/>.</summary>
    public const long DefaultMaxBufferedBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The browser origins (<c>https://example.com</c>) allowed to open and use sessions on both transports; <c>"*"</c>
    /// allows any. Requests without an <c>Origin</c> header (clients that are not browsers) and same-origin requests
    /// are always allowed. Empty (the default): the origins of the endpoint's CORS policy (<c>RequireCors</c>, or the
    /// app's default policy) are allowed, and with no CORS policy only same-origin pages. A refused origin gets HTTP 403.
    /// </summary>
    public IList<string> AllowedOrigins { get; set; } = [];

    /// <summary>The <c>io</c> cookie; null (the default) sets none.</summary>
    public EngineCookieOptions? Cookie { get; set; }

    /// <summary>
    /// Called on every handshake request (not on the later requests of a session, as in the reference server);
    /// deny answers HTTP 403 <c>{"code":4,"message":...}</c> on polling, a plain 400 on WebSocket.
    /// </summary>
    public Func<HttpContext, ValueTask<EngineRequestVerdict>>? AllowRequest { get; set; }

    /// <summary>
    /// Most Engine.IO sessions one remote IP address may have open at once; a handshake past it is refused with HTTP 429
    /// and <c>{"code":4,"message":"Too many connections"}</c> (a plain 429 on WebSocket), counted in
    /// <c>typedsockets.server.handshakes.limited</c> and logged once until one of that address's sessions closes.
    /// Null (the default): no limit, because behind a reverse proxy without <c>UseForwardedHeaders</c> every client has
    /// the proxy's address, and many users can share one address (NAT, a company's network). The address is
    /// <c>HttpContext.Connection.RemoteIpAddress</c>: behind a proxy, configure the ForwardedHeaders middleware (with the
    /// proxy as a known proxy) before <c>MapSocketIO</c>. Requests without an address (in-process test servers) are not counted.
    /// </summary>
    public int? MaxConnectionsPerIp { get; set; }

    /// <summary>
    /// A limiter every handshake acquires one permit of, without waiting (for example a fixed window per remote IP built
    /// with <c>PartitionedRateLimiter.Create</c>); refused handshakes get HTTP 429 and <c>{"code":4,"message":"Too many
    /// handshakes"}</c> (with <c>Retry-After</c> when the lease says when), are counted in
    /// <c>typedsockets.server.handshakes.limited</c> and logged at most once a second. Null (the default): none.
    /// The application owns the limiter (and disposes it).
    /// </summary>
    public System.Threading.RateLimiting.PartitionedRateLimiter<HttpContext>? HandshakeLimiter { get; set; }

    /// <summary>
    /// The one clock of the server: the heartbeat, the upgrade timeout and close deadlines, the connect timeout, the
    /// acknowledgement timeouts of sockets and broadcasts, and the adapters' timers (connection state recovery expiry,
    /// cluster request timeouts) all run on it. Default <see cref="TimeProvider.System"/>; tests replace it with a fake
    /// clock (<c>FakeTimeProvider</c>) to move time on without waiting. It is not taken from dependency injection: set it
    /// here (for example in <c>AddTypedSockets(o =&gt; o.TimeProvider = clock)</c>).
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Copies every setting onto <paramref name="target"/>.</summary>
    public void CopyTo(EngineIOOptions target)
    {
        target.PingInterval = PingInterval;
        target.PingTimeout = PingTimeout;
        target.UpgradeTimeout = UpgradeTimeout;
        target.MaxHttpBufferSize = MaxHttpBufferSize;
        target.AllowUpgrades = AllowUpgrades;
        target.Transports = Transports;
        target.MaxBufferedMessages = MaxBufferedMessages;
        target.MaxBufferedBytes = MaxBufferedBytes;
        target.Cookie = Cookie;
        target.AllowRequest = AllowRequest;
        target.TimeProvider = TimeProvider;
        target.AllowedOrigins = [.. AllowedOrigins];
        target.MaxConnectionsPerIp = MaxConnectionsPerIp;
        target.HandshakeLimiter = HandshakeLimiter;
    }
}
