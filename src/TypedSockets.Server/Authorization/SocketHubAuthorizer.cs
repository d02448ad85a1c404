using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server;

/// <summary>
/// Enforces one hub mapping's authorization: the CONNECT rule (CONNECT_ERROR <c>{"message":"Unauthorized","data":{"code":401}}</c>
/// or <c>"Forbidden"</c> / 403), the per-event rules (through <see cref="SocketHubAuthorizationFilter"/>), and, when asked,
/// the authentication's expiry. The user is the one of the Engine.IO handshake request, as SignalR uses the user of the
/// connection's first request. Thread safe; created once per <c>MapNamespace</c>.
/// </summary>
internal sealed class SocketHubAuthorizer
{
    /// <summary>The CONNECT_ERROR message and <c>data.code</c> of a client with no authenticated identity.</summary>
    public const string UnauthorizedMessage = "Unauthorized";

    /// <summary>The CONNECT_ERROR message of an authenticated client that does not meet the hub's policy.</summary>
    public const string ForbiddenMessage = "Forbidden";

    private static readonly Dictionary<string, object> s_unauthorizedData = new(StringComparer.Ordinal) { ["code"] = 401 };
    private static readonly Dictionary<string, object> s_forbiddenData = new(StringComparer.Ordinal) { ["code"] = 403 };

    private readonly IAuthorizationService? _service;
    private readonly IAuthorizationPolicyProvider? _policies;
    private readonly ConcurrentDictionary<IAuthorizeData[], AuthorizationPolicy>? _cache; // when the provider allows caching
    private readonly SocketIOServer _server;
    private readonly TimeProvider _time;
    private readonly bool _closeOnExpiry;

    private SocketHubAuthorizer(SocketIOServer server, SocketHubAuthorizationRules rules, bool closeOnExpiry)
    {
        _server = server;
        Rules = rules;
        _closeOnExpiry = closeOnExpiry;
        _time = server.Options.TimeProvider;
        if (!rules.IsEmpty)
        {
            _service = server.Services.GetService<IAuthorizationService>();
            _policies = server.Services.GetService<IAuthorizationPolicyProvider>();
            if (_service is null || _policies is null)
            {
                throw new InvalidOperationException(
                    "A hub with [Authorize] attributes needs ASP.NET Core authorization: call builder.Services.AddAuthorization() (and AddAuthentication(...) to set the user).");
            }

            if (_policies.AllowsCachingPolicies)
            {
                _cache = new ConcurrentDictionary<IAuthorizeData[], AuthorizationPolicy>(ReferenceEqualityComparer.Instance);
            }
        }

        if (rules.ChecksEvents)
        {
            EventFilter = new SocketHubAuthorizationFilter(this);
        }
    }

    /// <summary>The hub's rules.</summary>
    public SocketHubAuthorizationRules Rules { get; }

    /// <summary>The built-in filter checking per-event rules; null when no event has one (the dispatch fast path stays filter-free).</summary>
    public SocketHubAuthorizationFilter? EventFilter { get; }

    /// <summary>True when the CONNECT needs a check (a hub rule, or the expiry of the authentication).</summary>
    public bool ChecksConnect => Rules.Connect is not null || _closeOnExpiry;

    /// <summary>The authorizer of a hub mapping, or null when the hub asks for nothing.</summary>
    /// <exception cref="InvalidOperationException">The hub has rules but authorization services are not registered.</exception>
    public static SocketHubAuthorizer? Create(SocketIOServer server, SocketHubAuthorizationRules rules, bool closeOnExpiry) =>
        rules.IsEmpty && !closeOnExpiry ? null : new SocketHubAuthorizer(server, rules, closeOnExpiry);

    /// <summary>
    /// The namespace's connect check: runs before the connect middlewares (also for a recovered session) and refuses with
    /// <see cref="SocketConnectException"/>.
    /// </summary>
    public async ValueTask AuthorizeConnectAsync(SocketIOSocket socket)
    {
        if (_closeOnExpiry && AuthenticationExpiry(socket) is { } expires && expires <= _time.GetUtcNow())
        {
            SocketIOLog.ConnectUnauthorized(_server.Logger, socket.Namespace.Name, socket.Id, UnauthorizedMessage, "the authentication has expired");
            throw new SocketConnectException(UnauthorizedMessage, s_unauthorizedData);
        }

        if (Rules.Connect is not { } data)
        {
            return;
        }

        var user = socket.Handshake.UserIfSet;
        var (outcome, reason) = await AuthorizeAsync(user, data, socket).ConfigureAwait(false);
        switch (outcome)
        {
            case SocketAuthorizationOutcome.Unauthenticated:
                SocketIOLog.ConnectUnauthorized(_server.Logger, socket.Namespace.Name, socket.Id, UnauthorizedMessage, reason);
                throw new SocketConnectException(UnauthorizedMessage, s_unauthorizedData);
            case SocketAuthorizationOutcome.Forbidden:
                SocketIOLog.ConnectUnauthorized(_server.Logger, socket.Namespace.Name, socket.Id, ForbiddenMessage, reason);
                throw new SocketConnectException(ForbiddenMessage, s_forbiddenData);
        }
    }

    /// <summary>Checks one event's rule; throws <see cref="SocketAuthorizationException"/> when the user does not meet it.</summary>
    public async ValueTask AuthorizeEventAsync(SocketHubInvocationContext context, IAuthorizeData[] data)
    {
        var (outcome, reason) = await AuthorizeAsync(context.Socket.Handshake.UserIfSet, data, context).ConfigureAwait(false);
        switch (outcome)
        {
            case SocketAuthorizationOutcome.Unauthenticated:
                throw new SocketAuthorizationException(UnauthorizedMessage, SocketAuthorizationException.UnauthorizedCode, reason);
            case SocketAuthorizationOutcome.Forbidden:
                throw new SocketAuthorizationException(ForbiddenMessage, SocketAuthorizationException.ForbiddenCode, reason);
        }
    }

    /// <summary>With <see cref="SocketHubOptions.CloseOnAuthenticationExpiration"/>: disconnects <paramref name="socket"/> when its authentication expires.</summary>
    public void WatchExpiry(SocketIOSocket socket)
    {
        if (_closeOnExpiry && AuthenticationExpiry(socket) is { } expires)
        {
            SocketAuthenticationExpiry.Watch(socket, expires, _time);
        }
    }

    private static DateTimeOffset? AuthenticationExpiry(SocketIOSocket socket) => socket.Handshake.AuthenticationExpiresUtc;

    private async ValueTask<(SocketAuthorizationOutcome Outcome, string Reason)> AuthorizeAsync(ClaimsPrincipal? user, IAuthorizeData[] data, object resource)
    {
        var policy = await GetPolicyAsync(data).ConfigureAwait(false);
        user ??= new ClaimsPrincipal(new ClaimsIdentity());
        var result = await _service!.AuthorizeAsync(user, resource, policy).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return (SocketAuthorizationOutcome.Allowed, string.Empty);
        }

        var reason = Describe(result.Failure);
        return IsAuthenticated(user)
            ? (SocketAuthorizationOutcome.Forbidden, reason)
            : (SocketAuthorizationOutcome.Unauthenticated, reason);
    }

    private async ValueTask<AuthorizationPolicy> GetPolicyAsync(IAuthorizeData[] data)
    {
        if (_cache is not null && _cache.TryGetValue(data, out var cached))
        {
            return cached;
        }

        var policy = await AuthorizationPolicy.CombineAsync(_policies!, data).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The authorization policy provider returned no policy.");
        _cache?.TryAdd(data, policy);
        return policy;
    }

    private static bool IsAuthenticated(ClaimsPrincipal user)
    {
        foreach (var identity in user.Identities)
        {
            if (identity.IsAuthenticated)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(AuthorizationFailure? failure)
    {
        if (failure is null)
        {
            return "authorization failed";
        }

        var parts = new List<string>();
        foreach (var reason in failure.FailureReasons)
        {
            parts.Add(reason.Message);
        }

        foreach (var requirement in failure.FailedRequirements)
        {
            parts.Add(requirement.ToString() ?? requirement.GetType().Name);
        }

        return parts.Count == 0 ? (failure.FailCalled ? "a handler called Fail()" : "authorization failed") : string.Join("; ", parts);
    }
}

/// <summary>The outcome of one authorization check.</summary>
internal enum SocketAuthorizationOutcome
{
    Allowed,
    Unauthenticated,
    Forbidden,
}

/// <summary>
/// The built-in hub filter that checks the <c>[Authorize]</c> rule of an event before its method runs (outermost of the
/// hub's filters). Added only to hubs that have per-event rules; events without a rule pass straight through.
/// </summary>
internal sealed class SocketHubAuthorizationFilter(SocketHubAuthorizer authorizer) : ISocketHubFilter
{
    public ValueTask InvokeMethodAsync(SocketHubInvocationContext context, Func<SocketHubInvocationContext, ValueTask> next) =>
        authorizer.Rules.For(context.EventName) is { } data
            ? AuthorizeThenInvokeAsync(context, data, next)
            : next(context);

    private async ValueTask AuthorizeThenInvokeAsync(SocketHubInvocationContext context, IAuthorizeData[] data, Func<SocketHubInvocationContext, ValueTask> next)
    {
        await authorizer.AuthorizeEventAsync(context, data).ConfigureAwait(false);
        await next(context).ConfigureAwait(false);
    }
}

/// <summary>
/// A hub method call refused by authorization: the caller's acknowledgement gets the standard error answer
/// (<c>{"error":{"message":"Unauthorized","code":"unauthorized"}}</c> or <c>"Forbidden"</c> / <c>"forbidden"</c>); an event
/// without acknowledgement is dropped, logged with <see cref="Reason"/> and counted with reason <c>unauthorized</c>.
/// </summary>
internal sealed class SocketAuthorizationException : SocketInvocationException
{
    public const string UnauthorizedCode = "unauthorized";
    public const string ForbiddenCode = "forbidden";

    public SocketAuthorizationException(string message, string code, string reason)
        : base(message, code)
    {
        Reason = reason;
    }

    /// <summary>Why the policy failed, for the log only (never sent).</summary>
    public string Reason { get; }
}

/// <summary>Disconnects a socket when the authentication of its handshake expires (<see cref="SocketHubOptions.CloseOnAuthenticationExpiration"/>).</summary>
internal sealed class SocketAuthenticationExpiry
{
    // ITimer's longest due time (about 49 days); a later expiry re-arms the timer when it fires.
    private static readonly TimeSpan s_maxDue = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly SocketIOSocket _socket;
    private readonly DateTimeOffset _expires;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    private SocketAuthenticationExpiry(SocketIOSocket socket, DateTimeOffset expires, TimeProvider time)
    {
        _socket = socket;
        _expires = expires;
        _time = time;
        _timer = time.CreateTimer(static state => ((SocketAuthenticationExpiry)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public static void Watch(SocketIOSocket socket, DateTimeOffset expires, TimeProvider time)
    {
        var expiry = new SocketAuthenticationExpiry(socket, expires, time);
        socket.OnDisconnect(_ => expiry._timer.Dispose());
        expiry.Arm();
    }

    private void Arm()
    {
        var due = _expires - _time.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            Expire();
            return;
        }

        _timer.Change(due < s_maxDue ? due : s_maxDue, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer() => Arm();

    private void Expire()
    {
        _timer.Dispose();
        if (_socket.Connected)
        {
            SocketIOLog.AuthenticationExpired(_socket.Server.Logger, _socket.Id, _socket.Namespace.Name, _expires);
            _socket.DisconnectFor(SocketDisconnectReasons.AuthenticationExpired);
        }
    }
}
