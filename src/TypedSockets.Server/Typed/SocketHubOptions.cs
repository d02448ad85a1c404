using System.Diagnostics.CodeAnalysis;

namespace TypedSockets.Server;

/// <summary>Settings of one hub mapping (<c>MapNamespace&lt;THub&gt;(name, o =&gt; ...)</c>).</summary>
public sealed class SocketHubOptions
{
    private List<SocketHubFilterRegistration>? _filters;

    /// <summary>
    /// When true, the hub's methods run one at a time per client, in arrival order: the next event of that client starts
    /// when the previous method (and its asynchronous part) has finished, and <see cref="SocketHub.OnDisconnectedAsync"/>
    /// runs after the method in flight (events still queued at the disconnect are dropped). Other clients, and the
    /// connection's receive loop, are not held up. Default false: methods of one hub instance may run concurrently (a method awaiting
    /// something does not hold back the client's next event), so shared hub state needs its own synchronization.
    /// Turn it on when the hub keeps per-client state that its methods change across awaits; a method that waits for
    /// the same client's acknowledgement must then not be awaited by another of its methods.
    /// </summary>
    public bool SerialDispatch { get; set; }

    private List<(string? EventName, string Policy)>? _rateLimits;

    /// <summary>The rate limit policies of this hub: (null, policy) for every event, (event, policy) for one.</summary>
    internal IReadOnlyList<(string? EventName, string Policy)> RateLimits => _rateLimits ?? [];

    /// <summary>
    /// Limits every method call of this hub with the policy <paramref name="policyName"/> of
    /// <see cref="SocketIOServerOptions.RateLimiting"/> (see <see cref="SocketIONamespace.RequireRateLimiting(string)"/>).
    /// An unknown policy makes <c>MapNamespace</c> throw.
    /// </summary>
    public SocketHubOptions RequireRateLimiting(string policyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        (_rateLimits ??= []).Add((null, policyName));
        return this;
    }

    /// <summary>
    /// Limits the hub method whose event name is <paramref name="eventName"/> (its <c>[SocketEvent]</c> name, else the
    /// contract's name for it) with the policy <paramref name="policyName"/>, on top of the hub's policy; other methods do
    /// not use its budget (see <see cref="SocketIONamespace.RequireRateLimiting(string, string)"/>).
    /// </summary>
    public SocketHubOptions RequireRateLimiting(string eventName, string policyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        (_rateLimits ??= []).Add((eventName, policyName));
        return this;
    }

    /// <summary>
    /// When true, a client is disconnected from this hub's namespace when the authentication of its handshake request
    /// expires (the <c>ExpiresUtc</c> of the ticket the authentication handler returned, as SignalR's
    /// <c>CloseOnAuthenticationExpiration</c>); a CONNECT made after it expired is refused with
    /// <c>{"message":"Unauthorized","data":{"code":401}}</c>. The server-side reason is
    /// <see cref="SocketDisconnectReasons.AuthenticationExpired"/>; the client sees <c>io server disconnect</c> and does not
    /// reconnect by itself (it reconnects, with fresh credentials, when the application calls <c>socket.connect()</c>).
    /// Handshakes whose authentication has no expiry are not affected. Timed with
    /// <see cref="EngineIO.EngineIOOptions.TimeProvider"/>. Default false.
    /// </summary>
    public bool CloseOnAuthenticationExpiration { get; set; }

    /// <summary>The filters of this hub, run inside the server-wide ones, outermost first.</summary>
    internal IReadOnlyList<SocketHubFilterRegistration> Filters => _filters ?? [];

    /// <summary>Adds a filter around this hub's method calls, created once per client from its scoped services.</summary>
    public SocketHubOptions AddFilter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter>()
        where TFilter : class, ISocketHubFilter
    {
        (_filters ??= []).Add(SocketHubFilterRegistration.ForType<TFilter>());
        return this;
    }

    /// <summary>Adds <paramref name="filter"/> around this hub's method calls, one instance shared by every client (it must be thread safe).</summary>
    public SocketHubOptions AddFilter(ISocketHubFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        (_filters ??= []).Add(SocketHubFilterRegistration.ForInstance(filter));
        return this;
    }
}

/// <summary>A registered hub filter: a shared instance, or a type created per client from its scoped services.</summary>
internal sealed class SocketHubFilterRegistration
{
    private readonly ISocketHubFilter? _instance;
    private readonly Func<IServiceProvider, ISocketHubFilter>? _create;

    private SocketHubFilterRegistration(ISocketHubFilter? instance, Func<IServiceProvider, ISocketHubFilter>? create)
    {
        _instance = instance;
        _create = create;
    }

    public static SocketHubFilterRegistration ForInstance(ISocketHubFilter filter) => new(filter, null);

    public static SocketHubFilterRegistration ForType<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter>()
        where TFilter : class, ISocketHubFilter =>
        new(null, static services => Microsoft.Extensions.DependencyInjection.ActivatorUtilities.GetServiceOrCreateInstance<TFilter>(services));

    public ISocketHubFilter Resolve(IServiceProvider services) => _instance ?? _create!(services);
}
