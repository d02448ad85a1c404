using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server;

/// <summary>
/// Makes the endpoint authorization's refusal (<c>MapSocketIO(...).RequireAuthorization()</c>) readable for a client that
/// opens its session on WebSocket: a browser's WebSocket API exposes no HTTP status, so socket.io-client would only show
/// "websocket error". Such a handshake (<c>transport=websocket</c>, no <c>sid</c>) is let through to the Engine.IO endpoint
/// marked as refused; the session opens, and every namespace CONNECT on it is answered with CONNECT_ERROR
/// <c>{"message":"Unauthorized","data":{"code":401}}</c> (or <c>"Forbidden"</c> / 403), which the client shows in
/// <c>connect_error</c>. Nothing else can happen on that session (a packet for a namespace not joined closes it; the
/// connect timeout reaps it). Every other request, and every other endpoint, gets the wrapped handler's answer (by
/// default the authentication scheme's challenge: 401, or 403).
/// </summary>
internal sealed class SocketIOAuthorizationResultHandler(IAuthorizationMiddlewareResultHandler inner) : IAuthorizationMiddlewareResultHandler
{
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded &&
            (authorizeResult.Challenged || authorizeResult.Forbidden) &&
            context.GetEndpoint()?.Metadata.GetMetadata<SocketIOEndpointMetadata>() is not null &&
            IsWebSocketHandshake(context.Request))
        {
            context.Features.Set(authorizeResult.Forbidden && !authorizeResult.Challenged ? EngineAuthorizationRefusal.Forbidden : EngineAuthorizationRefusal.Unauthorized);
            return next(context);
        }

        return inner.HandleAsync(next, context, policy, authorizeResult);
    }

    private static bool IsWebSocketHandshake(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) &&
        request.Query.TryGetValue("transport", out var transport) && transport == EngineTransportNames.WebSocket &&
        !request.Query.ContainsKey("sid") &&
        request.Headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Wraps the result handler registered so far (ASP.NET Core's default when none): called by <c>AddTypedSockets</c>.
    /// A handler the application registers after <c>AddTypedSockets</c> replaces this one (the refusal is then the plain HTTP answer).
    /// </summary>
    public static void Register(IServiceCollection services)
    {
        ServiceDescriptor? previous = null;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IAuthorizationMiddlewareResultHandler) && !services[i].IsKeyedService)
            {
                previous = services[i];
                break;
            }
        }

        if (previous?.ImplementationType == typeof(SocketIOAuthorizationResultHandler) ||
            previous?.ImplementationFactory?.Target is Marker)
        {
            return; // AddTypedSockets ran already
        }

        var marker = new Marker(previous);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(marker.Create);
    }

    /// <summary>The factory's target: recognizes our registration, and builds the wrapped handler.</summary>
    private sealed class Marker(ServiceDescriptor? previous)
    {
        [UnconditionalSuppressMessage(
            "Trimming",
            "IL2072",
            Justification = "ServiceDescriptor.ImplementationType keeps its public constructors (it is annotated so in the DI abstractions).")]
        public IAuthorizationMiddlewareResultHandler Create(IServiceProvider services)
        {
            var inner = previous switch
            {
                null => new AuthorizationMiddlewareResultHandler(),
                { ImplementationInstance: IAuthorizationMiddlewareResultHandler instance } => instance,
                { ImplementationFactory: { } factory } => (IAuthorizationMiddlewareResultHandler)factory(services),
                { ImplementationType: { } type } => (IAuthorizationMiddlewareResultHandler)ActivatorUtilities.CreateInstance(services, type),
                _ => new AuthorizationMiddlewareResultHandler(),
            };
            return new SocketIOAuthorizationResultHandler(inner);
        }
    }
}

/// <summary>Endpoint metadata marking the endpoints <c>MapSocketIO</c> maps.</summary>
internal sealed class SocketIOEndpointMetadata
{
    public static readonly SocketIOEndpointMetadata Instance = new();
}
