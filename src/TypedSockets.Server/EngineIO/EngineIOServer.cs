using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// An Engine.IO v4 server: handles every request under its path (handshakes, long-polling GET/POST, WebSockets and
/// upgrades) and owns the sessions. Map it with <c>MapEngineIOServer</c> (which also adds the WebSocket middleware).
/// On <see cref="IHostApplicationLifetime.ApplicationStopping"/> every session is closed with "server shutting down".
/// </summary>
public sealed class EngineIOServer
{
    private static readonly WebSocketAcceptContext AcceptContext = new() { KeepAliveInterval = TimeSpan.Zero };

    /// <summary>How long a GET that was in flight when the client closed its polling session still gets its noop.</summary>
    private static readonly TimeSpan LateGetWindow = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, EngineConnection> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _closedByClient = new(StringComparer.Ordinal);
    private readonly EngineConnectionsPerIp? _connectionsPerIp;
    private int _count;
    private volatile bool _stopping;
    private long _handshakesLimitedUnreported;
    private long _handshakeLimitReportedAt = long.MinValue;

    /// <summary>A server with a copy of <paramref name="options"/>, delivering its sessions' events to <paramref name="handler"/>.</summary>
    /// <param name="options">The settings; copied, so later changes have no effect.</param>
    /// <param name="handler">Receives every session's open, message and close events.</param>
    /// <param name="loggerFactory">Creates the server's logger.</param>
    /// <param name="lifetime">When given, every session is closed with "server shutting down" as the application stops.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="handler"/> or <paramref name="loggerFactory"/> is null.</exception>
    /// <exception cref="ArgumentException">A ping interval, ping timeout or upgrade timeout that is not positive, or a <see cref="EngineIOOptions.MaxHttpBufferSize"/>, <see cref="EngineIOOptions.MaxBufferedMessages"/> or <see cref="EngineIOOptions.MaxConnectionsPerIp"/> that is not positive.</exception>
    public EngineIOServer(EngineIOOptions options, IEngineConnectionHandler handler, ILoggerFactory loggerFactory, IHostApplicationLifetime? lifetime = null)
        : this(options, handler, loggerFactory, lifetime, meterFactory: null)
    {
    }

    /// <summary>
    /// A server with a copy of <paramref name="options"/>, delivering its sessions' events to <paramref name="handler"/>,
    /// publishing its metrics on <paramref name="meterFactory"/>'s <c>TypedSockets.Server</c> meter.
    /// </summary>
    /// <param name="options">The settings; copied, so later changes have no effect.</param>
    /// <param name="handler">Receives every session's open, message and close events.</param>
    /// <param name="loggerFactory">Creates the server's logger.</param>
    /// <param name="lifetime">When given, every session is closed with "server shutting down" as the application stops.</param>
    /// <param name="meterFactory">The application's meter factory; when null, a process-wide <c>TypedSockets.Server</c> meter.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="handler"/> or <paramref name="loggerFactory"/> is null.</exception>
    /// <exception cref="ArgumentException">A ping interval, ping timeout or upgrade timeout that is not positive, or a <see cref="EngineIOOptions.MaxHttpBufferSize"/> or <see cref="EngineIOOptions.MaxBufferedMessages"/> that is not positive.</exception>
    public EngineIOServer(EngineIOOptions options, IEngineConnectionHandler handler, ILoggerFactory loggerFactory, IHostApplicationLifetime? lifetime, IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (options.PingInterval <= TimeSpan.Zero || options.PingTimeout <= TimeSpan.Zero || options.UpgradeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("PingInterval, PingTimeout and UpgradeTimeout must be positive.", nameof(options));
        }

        if (options.MaxHttpBufferSize <= 0 || options.MaxBufferedMessages <= 0 || options.MaxBufferedBytes <= 0)
        {
            throw new ArgumentException("MaxHttpBufferSize, MaxBufferedMessages and MaxBufferedBytes must be positive.", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        if (options.MaxConnectionsPerIp <= 0)
        {
            throw new ArgumentException("MaxConnectionsPerIp must be positive (or null for no limit).", nameof(options));
        }

        Options = new EngineIOOptions();
        options.CopyTo(Options);
        _connectionsPerIp = Options.MaxConnectionsPerIp is { } perIp ? new EngineConnectionsPerIp(perIp) : null;
        Handler = handler;
        Logger = loggerFactory.CreateLogger<EngineIOServer>();
        Metrics = EngineIOMetrics.For(meterFactory);
        Metrics.Track(this);
        lifetime?.ApplicationStopping.Register(static state => ((EngineIOServer)state!).CloseAll(), this);
    }

    /// <summary>A copy of the options the server was created with.</summary>
    public EngineIOOptions Options { get; }

    /// <summary>The number of open sessions.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A snapshot of the open sessions.</summary>
    public ICollection<EngineConnection> Connections => _sessions.Values;

    internal IEngineConnectionHandler Handler { get; }

    /// <summary>Instrumentation of packets, bytes and upgrades (the Admin UI); null when off.</summary>
    internal IEngineTrafficObserver? TrafficObserver { get; set; }

    internal ILogger Logger { get; }

    internal EngineIOMetrics Metrics { get; }

    /// <summary>
    /// True once the server is shutting down (<see cref="CloseAll"/> ran, on application stopping): its sessions are
    /// closing and new handshakes get 503. The TypedSockets health check reports Degraded meanwhile.
    /// </summary>
    public bool IsStopping => _stopping;

    /// <summary>The open session with Engine.IO session id <paramref name="id"/>, when there is one.</summary>
    public bool TryGetConnection(string id, [NotNullWhen(true)] out EngineConnection? connection) =>
        _sessions.TryGetValue(id, out connection);

    /// <summary>Closes every session with "server shutting down" and refuses new handshakes.</summary>
    public void CloseAll()
    {
        _stopping = true;
        EngineIOLog.ShuttingDown(Logger, Count);
        foreach (var entry in _sessions)
        {
            ((EngineSession)entry.Value).CloseGracefully(EngineCloseReasons.ServerShuttingDown, discard: true);
        }
    }

    /// <summary>Handles one HTTP request under the server's path.</summary>
    public Task HandleRequestAsync(HttpContext context)
    {
        var request = context.Request;
        ReadQuery(request.QueryString.Value, out var transport, out var sid, out var protocol);
        var isWebSocket = context.WebSockets.IsWebSocketRequest;

        var transportKind = GetTransport(transport);
        if (transportKind == EngineTransports.None || (Options.Transports & transportKind) == 0)
        {
            return RejectAsync(context, EngineErrorCode.UnknownTransport, null, isWebSocket);
        }

        if (HasInvalidHeaderChar(request.Headers.Origin))
        {
            return RejectAsync(context, EngineErrorCode.BadRequest, null, isWebSocket);
        }

        if (!StringValues.IsNullOrEmpty(request.Headers.Origin))
        {
            var allowed = EngineOriginPolicy.IsAllowedAsync(context, Options);
            if (!allowed.IsCompletedSuccessfully)
            {
                return HandleAfterOriginCheckAsync(context, allowed, transport, sid, protocol, isWebSocket, transportKind);
            }

            if (!allowed.Result)
            {
                return RejectOriginAsync(context, isWebSocket);
            }
        }

        return HandleAllowedRequestAsync(context, transport, sid, protocol, isWebSocket, transportKind);
    }

    private async Task HandleAfterOriginCheckAsync(
        HttpContext context, ValueTask<bool> allowed, StringValues transport, StringValues sid, StringValues protocol, bool isWebSocket, EngineTransports transportKind)
    {
        if (!await allowed.ConfigureAwait(false))
        {
            await RejectOriginAsync(context, isWebSocket).ConfigureAwait(false);
            return;
        }

        await HandleAllowedRequestAsync(context, transport, sid, protocol, isWebSocket, transportKind).ConfigureAwait(false);
    }

    private Task RejectOriginAsync(HttpContext context, bool isWebSocket)
    {
        EngineIOLog.OriginRefused(Logger, context.Request.Headers.Origin.ToString(), context.Request.Path.Value ?? string.Empty);
        Metrics.OriginRefused();
        return WriteErrorAsync(context, EngineErrorCode.Forbidden, "Origin not allowed", isWebSocket, StatusCodes.Status403Forbidden);
    }

    private Task HandleAllowedRequestAsync(
        HttpContext context, StringValues transport, StringValues sid, StringValues protocol, bool isWebSocket, EngineTransports transportKind)
    {
        var request = context.Request;

        if (!StringValues.IsNullOrEmpty(sid))
        {
            if (!_sessions.TryGetValue(sid.ToString(), out var connection))
            {
                if (!isWebSocket && transportKind == EngineTransports.Polling && HttpMethods.IsGet(request.Method)
                    && _closedByClient.TryRemove(sid.ToString(), out _))
                {
                    // The GET of a session the client closed with a POST that overtook it: once, a noop.
                    return EngineSession.WriteNoopAsync(context, Metrics);
                }

                return RejectAsync(context, EngineErrorCode.UnknownSid, null, isWebSocket);
            }

            var session = (EngineSession)connection;
            if (session.ReapIfOverdue())
            {
                // Past its pong (or close) deadline: gone, even if its timer has not fired yet.
                return RejectAsync(context, EngineErrorCode.UnknownSid, null, isWebSocket);
            }

            if (isWebSocket)
            {
                return transportKind == EngineTransports.WebSocket
                    ? UpgradeAsync(context, session)
                    : RejectAsync(context, EngineErrorCode.BadRequest, null, isWebSocket);
            }

            if (!string.Equals(session.Transport, transport, StringComparison.Ordinal))
            {
                return RejectAsync(context, EngineErrorCode.BadRequest, null, isWebSocket);
            }

            if (HttpMethods.IsGet(request.Method))
            {
                return session.HandlePollAsync(context);
            }

            if (HttpMethods.IsPost(request.Method))
            {
                return session.HandlePostAsync(context);
            }

            return RejectAsync(context, EngineErrorCode.BadRequest, null, isWebSocket);
        }

        if (!isWebSocket && !HttpMethods.IsGet(request.Method))
        {
            return RejectAsync(context, EngineErrorCode.BadHandshakeMethod, null, isWebSocket);
        }

        if ((transportKind == EngineTransports.WebSocket) != isWebSocket)
        {
            return RejectAsync(context, EngineErrorCode.BadRequest, null, isWebSocket);
        }

        return HandshakeAsync(context, protocol, isWebSocket);
    }

    private Task HandshakeAsync(HttpContext context, StringValues protocol, bool isWebSocket) =>
        Options.AllowRequest is null
            ? HandshakeAllowedAsync(context, protocol, isWebSocket)
            : HandshakeIfAllowedAsync(context, protocol, isWebSocket);

    private async Task HandshakeIfAllowedAsync(HttpContext context, StringValues protocol, bool isWebSocket)
    {
        var verdict = await Options.AllowRequest!(context).ConfigureAwait(false);
        if (!verdict.Allowed)
        {
            await RejectAsync(context, EngineErrorCode.Forbidden, verdict.Message, isWebSocket).ConfigureAwait(false);
            return;
        }

        await HandshakeAllowedAsync(context, protocol, isWebSocket).ConfigureAwait(false);
    }

    private Task HandshakeAllowedAsync(HttpContext context, StringValues protocol, bool isWebSocket)
    {
        if (!string.Equals(protocol, "4", StringComparison.Ordinal))
        {
            return RejectAsync(context, EngineErrorCode.UnsupportedProtocolVersion, null, isWebSocket);
        }

        if (_stopping)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }

        if (Options.HandshakeLimiter is { } limiter && !TryAcquireHandshake(limiter, context, out var retryAfter))
        {
            if (retryAfter is { } delay)
            {
                context.Response.Headers.RetryAfter = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return WriteErrorAsync(context, EngineErrorCode.Forbidden, "Too many handshakes", isWebSocket, StatusCodes.Status429TooManyRequests, StatusCodes.Status429TooManyRequests);
        }

        IPAddress? countedIp = null;
        if (_connectionsPerIp is { } perIp && EngineConnectionsPerIp.KeyOf(context.Connection.RemoteIpAddress) is { } ip)
        {
            if (!perIp.TryAcquire(ip, out var firstRefusal))
            {
                if (firstRefusal)
                {
                    EngineIOLog.ConnectionsPerIpExceeded(Logger, ip.ToString(), perIp.Limit);
                }

                Metrics.HandshakeLimited(rate: false);
                return WriteErrorAsync(context, EngineErrorCode.Forbidden, "Too many connections", isWebSocket, StatusCodes.Status429TooManyRequests, StatusCodes.Status429TooManyRequests);
            }

            countedIp = ip;
        }

        return isWebSocket ? HandshakeWebSocketAsync(context, countedIp) : HandshakePollingAsync(context, countedIp);
    }

    /// <summary>One permit of <paramref name="limiter"/>, without waiting; a refusal is counted and logged (at most once a second).</summary>
    private bool TryAcquireHandshake(System.Threading.RateLimiting.PartitionedRateLimiter<HttpContext> limiter, HttpContext context, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        using (var lease = limiter.AttemptAcquire(context))
        {
            if (lease.IsAcquired)
            {
                return true;
            }

            if (lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var delay))
            {
                retryAfter = delay;
            }
        }

        Metrics.HandshakeLimited(rate: true);
        Interlocked.Increment(ref _handshakesLimitedUnreported);
        var now = Options.TimeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _handshakeLimitReportedAt);
        if ((last == long.MinValue || Options.TimeProvider.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(1))
            && Interlocked.CompareExchange(ref _handshakeLimitReportedAt, now, last) == last)
        {
            EngineIOLog.HandshakeRateLimited(Logger, Interlocked.Exchange(ref _handshakesLimitedUnreported, 0), context.Connection.RemoteIpAddress?.ToString() ?? "(none)");
        }

        return false;
    }

    /// <summary>
    /// Not an async method: when the accept completes synchronously (the usual case), the request's task is the
    /// session's own run, so no frame of this method stays alive for the whole life of every WebSocket session.
    /// </summary>
    private Task HandshakeWebSocketAsync(HttpContext context, IPAddress? countedIp)
    {
        var session = CreateSession(context, isWebSocket: true, countedIp);
        Task<WebSocket> accept;
        try
        {
            SetCookie(context, session.Id);
            accept = context.WebSockets.AcceptWebSocketAsync(AcceptContext);
        }
        catch (Exception ex)
        {
            session.DiscardUnstarted();
            return FailAsync(ExceptionDispatchInfo.Capture(ex));
        }

        if (!accept.IsCompletedSuccessfully)
        {
            return AcceptThenRunAsync(accept, session);
        }

        session.Start(canUpgrade: false);
        return session.RunWebSocketAsync(accept.Result);
    }

    private static async Task AcceptThenRunAsync(Task<WebSocket> accept, EngineSession session)
    {
        WebSocket socket;
        try
        {
            socket = await accept.ConfigureAwait(false);
        }
        catch
        {
            session.DiscardUnstarted();
            throw;
        }

        session.Start(canUpgrade: false);
        await session.RunWebSocketAsync(socket).ConfigureAwait(false);
    }

#pragma warning disable CS1998 // an async method without await: its task carries the exception exactly as an await would
    private static async Task FailAsync(ExceptionDispatchInfo error) => error.Throw();
#pragma warning restore CS1998

    private async Task HandshakePollingAsync(HttpContext context, IPAddress? countedIp)
    {
        var session = CreateSession(context, isWebSocket: false, countedIp);
        SetCookie(context, session.Id);
        session.Start(canUpgrade: Options.AllowUpgrades && (Options.Transports & EngineTransports.WebSocket) != 0);
        await session.HandlePollAsync(context).ConfigureAwait(false);
    }

    private static async Task UpgradeAsync(HttpContext context, EngineSession session)
    {
        var socket = await context.WebSockets.AcceptWebSocketAsync(AcceptContext).ConfigureAwait(false);
        await session.RunUpgradeAsync(socket).ConfigureAwait(false);
    }

    /// <summary>A new session, registered; <paramref name="countedIp"/> (counted for MaxConnectionsPerIp) is released when it is removed.</summary>
    private EngineSession CreateSession(HttpContext context, bool isWebSocket, IPAddress? countedIp)
    {
        while (true)
        {
            EngineSession session;
            try
            {
                session = new EngineSession(this, EngineSessionId.New(), context, isWebSocket) { CountedIp = countedIp };
            }
            catch when (countedIp is not null)
            {
                _connectionsPerIp!.Release(countedIp);
                throw;
            }

            if (_sessions.TryAdd(session.Id, session))
            {
                Interlocked.Increment(ref _count);
                return session;
            }
        }
    }

    internal void Remove(EngineSession session, bool answerLateGetWithNoop)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, EngineConnection>(session.Id, session)))
        {
            Interlocked.Decrement(ref _count);
            if (session.CountedIp is { } ip)
            {
                _connectionsPerIp!.Release(ip);
            }
        }

        if (answerLateGetWithNoop && _closedByClient.TryAdd(session.Id, 0))
        {
            _ = ForgetClosedByClientAsync(session.Id);
        }
    }

    private async Task ForgetClosedByClientAsync(string id)
    {
        await Task.Delay(LateGetWindow, Options.TimeProvider).ConfigureAwait(false);
        _closedByClient.TryRemove(id, out _);
    }

    private void SetCookie(HttpContext context, string sessionId)
    {
        if (Options.Cookie is not { } cookie)
        {
            return;
        }

        context.Response.Cookies.Append(cookie.Name, sessionId, new CookieOptions
        {
            Path = cookie.Path,
            HttpOnly = cookie.HttpOnly,
            SameSite = cookie.SameSite,
            Secure = cookie.Secure,
        });
    }

    private Task RejectAsync(HttpContext context, EngineErrorCode code, string? message, bool isWebSocket)
    {
        var request = context.Request;
        message ??= GetMessage(code);
        EngineIOLog.RequestRejected(Logger, request.Method, request.Path.Value ?? string.Empty, request.QueryString.Value ?? string.Empty, (int)code, message);
        return WriteErrorAsync(context, code, message, isWebSocket);
    }

    /// <summary>
    /// Polling: 400 (403 for Forbidden, or <paramref name="pollingStatus"/>) with <c>{"code":N,"message":"..."}</c>.
    /// WebSocket: a plain 400 (or <paramref name="webSocketStatus"/>).
    /// </summary>
    internal static async Task WriteErrorAsync(
        HttpContext context, EngineErrorCode code, string? message, bool webSocket, int webSocketStatus = StatusCodes.Status400BadRequest, int? pollingStatus = null)
    {
        message ??= GetMessage(code);
        var response = context.Response;
        if (webSocket)
        {
            response.StatusCode = webSocketStatus;
            response.ContentType = "text/html";
            await response.WriteAsync(message).ConfigureAwait(false);
            return;
        }

        response.StatusCode = pollingStatus ?? (code == EngineErrorCode.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest);
        response.ContentType = "application/json";
        var writer = new Utf8JsonWriter(response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteNumber("code"u8, (int)code);
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync().ConfigureAwait(false);
    }

    private static string GetMessage(EngineErrorCode code) => code switch
    {
        EngineErrorCode.UnknownTransport => "Transport unknown",
        EngineErrorCode.UnknownSid => "Session ID unknown",
        EngineErrorCode.BadHandshakeMethod => "Bad handshake method",
        EngineErrorCode.BadRequest => "Bad request",
        EngineErrorCode.Forbidden => "Forbidden",
        EngineErrorCode.UnsupportedProtocolVersion => "Unsupported protocol version",
        _ => "Bad request",
    };

    /// <summary>
    /// Reads the three parameters the server needs as <c>Request.Query</c> would give them (same parser, names case
    /// insensitive, repeated values kept in order), without making the request build and keep its query collection:
    /// a WebSocket's handshake request lives as long as its session.
    /// </summary>
    internal static void ReadQuery(string? queryString, out StringValues transport, out StringValues sid, out StringValues protocol)
    {
        transport = default;
        sid = default;
        protocol = default;
        if (string.IsNullOrEmpty(queryString))
        {
            return;
        }

        foreach (var pair in new QueryStringEnumerable(queryString))
        {
            var name = pair.DecodeName().Span;
            if (name.Equals("transport", StringComparison.OrdinalIgnoreCase))
            {
                transport = StringValues.Concat(transport, pair.DecodeValue().ToString());
            }
            else if (name.Equals("sid", StringComparison.OrdinalIgnoreCase))
            {
                sid = StringValues.Concat(sid, pair.DecodeValue().ToString());
            }
            else if (name.Equals("EIO", StringComparison.OrdinalIgnoreCase))
            {
                protocol = StringValues.Concat(protocol, pair.DecodeValue().ToString());
            }
        }
    }

    private static EngineTransports GetTransport(StringValues transport)
    {
        if (transport.Count != 1)
        {
            return EngineTransports.None;
        }

        return transport.ToString() switch
        {
            EngineTransportNames.Polling => EngineTransports.Polling,
            EngineTransportNames.WebSocket => EngineTransports.WebSocket,
            _ => EngineTransports.None,
        };
    }

    /// <summary>As the reference: a header value is invalid when it holds a control character other than tab, or DEL.</summary>
    private static bool HasInvalidHeaderChar(StringValues values)
    {
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var c in value)
            {
                if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
