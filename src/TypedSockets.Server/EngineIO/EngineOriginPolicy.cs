using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// Which browser origins may open or use a session, on both transports (CORS does not protect WebSockets, so a page
/// on any site could otherwise open one with the user's cookies: cross-site WebSocket hijacking). A request without
/// an <c>Origin</c> header (not a browser) and a same-origin request are always allowed; otherwise the origin must be
/// in <see cref="EngineIOOptions.AllowedOrigins"/> when that is set, else in the endpoint's CORS policy (its
/// <c>RequireCors</c> policy, or the app's default policy), else it is refused.
/// </summary>
internal static class EngineOriginPolicy
{
    public const string AnyOrigin = "*";

    public static ValueTask<bool> IsAllowedAsync(HttpContext context, EngineIOOptions options)
    {
        var origin = context.Request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin))
        {
            return ValueTask.FromResult(true);
        }

        if (origin.Count != 1)
        {
            return ValueTask.FromResult(false);
        }

        var value = origin.ToString();
        if (IsSameOrigin(context.Request, value))
        {
            return ValueTask.FromResult(true);
        }

        var allowed = options.AllowedOrigins;
        if (allowed.Count > 0)
        {
            foreach (var entry in allowed)
            {
                if (entry == AnyOrigin || string.Equals(entry.TrimEnd('/'), value, StringComparison.OrdinalIgnoreCase))
                {
                    return ValueTask.FromResult(true);
                }
            }

            return ValueTask.FromResult(false);
        }

        return IsAllowedByCorsAsync(context, value);
    }

    /// <summary>True when the origin names the host the request was sent to (scheme aside: TLS may end at a proxy).</summary>
    private static bool IsSameOrigin(HttpRequest request, string origin)
    {
        var host = request.Host.Value;
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        var separator = origin.IndexOf("://", StringComparison.Ordinal);
        return separator > 0 && origin.AsSpan(separator + 3).Equals(host, StringComparison.OrdinalIgnoreCase);
    }

    private static async ValueTask<bool> IsAllowedByCorsAsync(HttpContext context, string origin)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        CorsPolicy? policy = null;
        if (metadata?.GetMetadata<IDisableCorsAttribute>() is not null)
        {
            return false;
        }

        if (metadata?.GetMetadata<ICorsPolicyMetadata>() is { } policyMetadata)
        {
            policy = policyMetadata.Policy;
        }
        else if (context.RequestServices.GetService<ICorsPolicyProvider>() is { } provider)
        {
            // A named policy (RequireCors("name") / [EnableCors("name")]), or the app's default policy.
            var name = metadata?.GetMetadata<IEnableCorsAttribute>()?.PolicyName;
            policy = await provider.GetPolicyAsync(context, name).ConfigureAwait(false);
        }

        return policy is not null && (policy.AllowAnyOrigin || policy.IsOriginAllowed(origin));
    }
}
