using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSockets.Server;

/// <summary>Typed emitters, dispatchers and hubs on the Socket.IO server API.</summary>
public static class TypedSocketExtensions
{
    /// <summary>
    /// A generated emitter for this client: every call of a <typeparamref name="TClient"/> method sends its event
    /// (methods returning <c>Task&lt;T&gt;</c> wait for the client's acknowledgement).
    /// </summary>
    public static TClient Emitter<TClient>(this SocketIOSocket socket)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(socket);
        return SocketContract<TClient>.Get().CreateEmitter(socket.TypedSink);
    }

    /// <summary>
    /// Routes this client's events of contract <typeparamref name="TServer"/> to <paramref name="target"/> with the
    /// generated dispatcher; results of <c>Task&lt;T&gt;</c> methods are sent back as acknowledgements. Arguments that do
    /// not bind are refused before the method runs, and a method that throws is answered with an error (see the README,
    /// "Errors").
    /// </summary>
    public static SocketIOSocket Handle<TServer>(this SocketIOSocket socket, TServer target)
        where TServer : class
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(target);
        new TypedEventDispatcher<TServer>(target, hub: null, filters: [], serialDispatch: false, argumentsInvalid: null).Register(socket);
        return socket;
    }

    /// <summary>Excludes one socket from typed broadcast targets.</summary>
    public static SocketTargets<TClient> Except<TClient>(this SocketTargets<TClient> targets, SocketIOSocket socket)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(socket);
        return targets.Except(socket.Id);
    }

    /// <summary>
    /// Serves namespace <paramref name="name"/> with hub <typeparamref name="THub"/>: one instance per connected client,
    /// created with the client's scoped services (constructor injection). <paramref name="configure"/> sets this hub's
    /// filters, rate limits and <see cref="SocketHubOptions.SerialDispatch"/>. Code outside the hub reaches the namespace's clients
    /// through <see cref="ISocketHubContext{THub, TClient}"/>.
    /// </summary>
    /// <remarks>
    /// Authorization: <c>[Authorize]</c> (roles, policies) on the hub class is checked at the namespace CONNECT against the
    /// user of the Engine.IO handshake request (refused with CONNECT_ERROR <c>{"message":"Unauthorized","data":{"code":401}}</c>
    /// without an authenticated identity, <c>"Forbidden"</c> / 403 otherwise); <c>[Authorize]</c> on a method is checked per
    /// event before the method runs (refused with the error answer, code <c>unauthorized</c> or <c>forbidden</c>);
    /// <c>[AllowAnonymous]</c> on a method exempts it from the class's rule (anonymous clients may then connect and call
    /// only such methods). The attributes are read here, once; they need <c>services.AddAuthorization()</c>.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The hub has <c>[Authorize]</c> attributes and authorization services are not registered.</exception>
    public static SocketIONamespace MapNamespace<[DynamicallyAccessedMembers(
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods |
        DynamicallyAccessedMemberTypes.NonPublicMethods)] THub>(
        this SocketIOServer server, string name = "/", Action<SocketHubOptions>? configure = null)
        where THub : SocketHub
    {
        ArgumentNullException.ThrowIfNull(server);
        var hubOptions = new SocketHubOptions();
        configure?.Invoke(hubOptions);
        var authorizer = SocketHubAuthorizer.Create(server, SocketHubAuthorizationRules.Create(typeof(THub)), hubOptions.CloseOnAuthenticationExpiration);
        SocketHubFilterRegistration[] filters = authorizer?.EventFilter is { } authorizationFilter
            ? [SocketHubFilterRegistration.ForInstance(authorizationFilter), .. server.Options.HubFilters, .. hubOptions.Filters]
            : [.. server.Options.HubFilters, .. hubOptions.Filters];
        var serial = hubOptions.SerialDispatch;
        var nsp = server.Of(name);
        foreach (var (eventName, policy) in hubOptions.RateLimits)
        {
            if (eventName is null)
            {
                nsp.RequireRateLimiting(policy);
            }
            else
            {
                nsp.RequireRateLimiting(eventName, policy);
            }
        }

        server.Services.GetService<SocketIOServerRegistry>()?.AddHub(typeof(THub), nsp);
        if (authorizer is { ChecksConnect: true })
        {
            nsp.AddConnectAuthorization(authorizer.AuthorizeConnectAsync);
        }

        var factory = ActivatorUtilities.CreateFactory<THub>([]);
        nsp.OnConnection(socket =>
        {
            authorizer?.WatchExpiry(socket);
            var hub = factory(socket.Services, []);
            var resolved = filters.Length == 0 ? [] : Array.ConvertAll(filters, f => f.Resolve(socket.Services));
            return hub.AttachAsync(socket, resolved, serial);
        });
        return nsp;
    }
}
