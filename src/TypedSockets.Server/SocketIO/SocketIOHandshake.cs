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

    public IHeaderDictionary Headers => HttpContext.Request.Headers;

    public IQueryCollection Query => HttpContext.Request.Query;

    public ClaimsPrincipal User => HttpContext.User;

    /// <summary>The client's IP address.</summary>
    public string? Address => HttpContext.Connection.RemoteIpAddress?.ToString();

    public bool Secure => HttpContext.Request.IsHttps;

    public string Url => HttpContext.Request.Path + HttpContext.Request.QueryString;

    public DateTimeOffset Issued { get; }

    /// <summary>The CONNECT payload as the parser read it (zero arguments when the client sent none).</summary>
    public SocketIOArguments AuthArguments { get; }

    /// <summary>The auth payload in re-emittable form: an empty object when the client sent none.</summary>
    public object? Auth => AuthArguments.Count > 0 ? AuthArguments.GetRaw(0) : s_emptyAuth;

    /// <summary>The auth payload as <typeparamref name="T"/> (default when none was sent).</summary>
    public T? GetAuth<T>() => AuthArguments.Count > 0 ? AuthArguments.Get<T>(0) : default;
}
