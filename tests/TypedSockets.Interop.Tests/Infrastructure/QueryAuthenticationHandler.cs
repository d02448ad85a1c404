using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TypedSockets.Interop.Tests.Infrastructure;

/// <summary>
/// A test authentication scheme read from the query string (socket.io-client's <c>query</c> option sends it with every
/// request, on both transports): <c>user</c> authenticates, <c>roles</c> (comma separated) adds role claims, <c>age</c>
/// adds an "age" claim and <c>expires</c> (Unix milliseconds) sets the ticket's <c>ExpiresUtc</c>. No <c>user</c>: no result.
/// </summary>
internal sealed class QueryAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Query";

    /// <summary>Registers the scheme as the default, with authorization and the policies the tests use.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddAuthentication(SchemeName).AddScheme<AuthenticationSchemeOptions, QueryAuthenticationHandler>(SchemeName, null);
        services.AddAuthorization(o => o.AddPolicy("Adults", p => p.RequireAuthenticatedUser().RequireAssertion(
            c => c.User.FindFirst("age") is { } age && int.Parse(age.Value, CultureInfo.InvariantCulture) >= 18)));
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var query = Request.Query;
        if (query["user"].ToString() is not { Length: > 0 } user)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, user), new(ClaimTypes.NameIdentifier, user) };
        foreach (var role in query["roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        if (query["age"].ToString() is { Length: > 0 } age)
        {
            claims.Add(new Claim("age", age));
        }

        var properties = new AuthenticationProperties();
        if (query["expires"].ToString() is { Length: > 0 } expires)
        {
            properties.ExpiresUtc = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(expires, CultureInfo.InvariantCulture));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, properties, SchemeName)));
    }
}
