using Microsoft.AspNetCore.Http;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// One Engine.IO session as seen by the layer above it: a sequence of messages in, a sequence of messages out,
/// whatever transport (long-polling, WebSocket, or the upgrade between them) carries it. Thread safe.
/// </summary>
public abstract class EngineConnection
{
    /// <summary>The Engine.IO session id (the <c>sid</c> query parameter).</summary>
    public abstract string Id { get; }

    /// <summary>
    /// A stable copy of the request that opened the session (headers, query, path, user, connection info,
    /// RequestServices). It stays valid for the whole session, unlike the transport's own requests.
    /// </summary>
    public abstract HttpContext HttpContext { get; }

    /// <summary>The user of <see cref="HttpContext"/>, or null when none was set; a session reads it without building its context.</summary>
    internal virtual System.Security.Claims.ClaimsPrincipal? UserIfSet => HttpContext.User;

    /// <summary>When the authentication of the handshake request expires (<c>AuthenticateResult.Properties.ExpiresUtc</c>), null when unknown.</summary>
    internal virtual DateTimeOffset? AuthenticationExpiresUtc => null;

    /// <summary>Set when the endpoint's authorization refused the handshake (the layer above refuses every CONNECT), else null.</summary>
    internal virtual EngineAuthorizationRefusal? AuthorizationRefusal => null;

    /// <summary>"polling" or "websocket": the transport currently carrying the session.</summary>
    public abstract string Transport { get; }

    /// <summary>When the handshake was made.</summary>
    public abstract DateTimeOffset Issued { get; }

    /// <summary>Fires once when the session closes, before <see cref="IEngineConnectionHandler.OnClose"/>.</summary>
    public abstract CancellationToken Closed { get; }

    /// <summary>A slot for the layer above (the Socket.IO layer keeps its per-connection state here).</summary>
    public object? State { get; set; }

    /// <summary>False once the session is closing or closed.</summary>
    public abstract bool IsOpen { get; }

    /// <summary>
    /// True when the transport can take a message right now without buffering it
    /// (a parked long-polling GET, or an idle WebSocket). Volatile messages are dropped when false.
    /// </summary>
    public abstract bool IsWritable { get; }

    /// <summary>
    /// True when the connection honours pooled packet buffers: a message whose <see cref="EngineMessage.Data"/> is backed
    /// by a <c>PooledPacketBuffer</c> gets a reference taken (<c>AddRef</c>) when it is queued and given back
    /// (<c>Release</c>) once it is written or discarded. When false (the default), senders hand this connection only
    /// ordinary arrays, copying pooled packets first.
    /// </summary>
    public virtual bool SupportsPooledBuffers => false;

    /// <summary>
    /// Queues one message. Returns false when the session is closed, or when <paramref name="isVolatile"/>
    /// is set and the transport is not writable now (the message is dropped).
    /// </summary>
    public abstract bool TrySend(EngineMessage message, bool isVolatile = false);

    /// <summary>
    /// Queues several messages atomically: no other message is interleaved between them
    /// (a Socket.IO header and its binary attachments).
    /// </summary>
    public abstract bool TrySend(ReadOnlySpan<EngineMessage> messages, bool isVolatile = false);

    /// <summary>
    /// Closes the session: messages already queued are flushed first, then the transport is closed.
    /// <see cref="IEngineConnectionHandler.OnClose"/> is called with <paramref name="reason"/>.
    /// </summary>
    public abstract void Close(string reason = EngineCloseReasons.ForcedClose);

    /// <summary>
    /// Backpressure from the layer above: the transport reads nothing more from the client (WebSocket frames, the
    /// answer to a POST) until <paramref name="resume"/> completes. The message being delivered is not affected.
    /// The default ignores it (connections without a transport of their own).
    /// </summary>
    internal virtual void PauseReadingUntil(Task resume)
    {
    }
}
