using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server;

/// <summary>What the client sent when it joined the namespace, and the request that opened its connection.</summary>
public sealed class SocketIOHandshake
{
    private static readonly IReadOnlyDictionary<string, object?> s_emptyAuth = new Dictionary<string, object?>();

    private readonly EngineConnection _connection;

    internal SocketIOHandshake(EngineConnection connection, SocketIOArguments auth)
    {
        _connection = connection;
        AuthArguments = auth;
        Issued = connection.Issued;
    }

    /// <summary>A stable copy of the request that opened the Engine.IO session (built on first use).</summary>
    public HttpContext HttpContext => _connection.HttpContext;

    /// <summary>The request headers of the Engine.IO handshake.</summary>
    public IHeaderDictionary Headers => HttpContext.Request.Headers;

    /// <summary>The query string of the Engine.IO handshake (socket.io-client's <c>query</c> option travels here).</summary>
    public IQueryCollection Query => HttpContext.Request.Query;

    /// <summary>The authenticated user of the handshake request (anonymous when no authentication ran).</summary>
    public ClaimsPrincipal User => HttpContext.User;

    /// <summary><see cref="User"/> when authentication set one, else null (read without building <see cref="HttpContext"/>).</summary>
    internal ClaimsPrincipal? UserIfSet => _connection.UserIfSet;

    /// <summary>When the authentication of the handshake request expires (its ticket's <c>ExpiresUtc</c>), null when unknown.</summary>
    internal DateTimeOffset? AuthenticationExpiresUtc => _connection.AuthenticationExpiresUtc;

    /// <summary>The client's IP address.</summary>
    public string? Address => HttpContext.Connection.RemoteIpAddress?.ToString();

    /// <summary>True when the handshake came over HTTPS.</summary>
    public bool Secure => HttpContext.Request.IsHttps;

    /// <summary>The path and query string of the handshake request.</summary>
    public string Url => HttpContext.Request.Path + HttpContext.Request.QueryString;

    /// <summary>When the Engine.IO session was created (UTC).</summary>
    public DateTimeOffset Issued { get; }

    /// <summary>The CONNECT payload as the parser read it (zero arguments when the client sent none).</summary>
    public SocketIOArguments AuthArguments { get; }

    /// <summary>The auth payload in re-emittable form: an empty object when the client sent none.</summary>
    public object? Auth => AuthArguments.Count > 0 ? AuthArguments.GetRaw(0) : s_emptyAuth;

    /// <summary>The auth payload as <typeparamref name="T"/> (default when none was sent).</summary>
    public T? GetAuth<T>() => AuthArguments.Count > 0 ? AuthArguments.Get<T>(0) : default;
}
