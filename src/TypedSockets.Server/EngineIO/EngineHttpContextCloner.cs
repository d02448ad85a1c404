using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Routing;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// Copies what a session needs of its handshake request into a standalone <see cref="HttpContext"/> that outlives
/// the request (Kestrel recycles request contexts): request line, headers, query, route values, user, connection
/// and TLS info, trace identifier, and the session's own service provider.
/// </summary>
internal static class EngineHttpContextCloner
{
    public static HttpContext Clone(HttpContext source, IServiceProvider services)
    {
        var request = source.Request;
        var features = new FeatureCollection();

        var headers = new HeaderDictionary(request.Headers.Count);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = header.Value;
        }

        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Protocol = request.Protocol,
            Method = request.Method,
            Scheme = request.Scheme,
            PathBase = request.PathBase.Value ?? string.Empty,
            Path = request.Path.Value ?? string.Empty,
            QueryString = request.QueryString.Value ?? string.Empty,
            RawTarget = source.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty,
            Headers = headers,
            Body = Stream.Null,
        });
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));

        var connection = source.Connection;
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = connection.Id,
            LocalIpAddress = connection.LocalIpAddress,
            LocalPort = connection.LocalPort,
            RemoteIpAddress = connection.RemoteIpAddress,
            RemotePort = connection.RemotePort,
        });

        if (source.Features.Get<ITlsConnectionFeature>() is { } tls)
        {
            features.Set<ITlsConnectionFeature>(new TlsConnectionFeature { ClientCertificate = tls.ClientCertificate });
        }

        features.Set<IHttpAuthenticationFeature>(new HttpAuthenticationFeature { User = source.User ?? new ClaimsPrincipal() });
        features.Set<IServiceProvidersFeature>(new ServiceProvidersFeature { RequestServices = services });
        features.Set<IHttpRequestIdentifierFeature>(new HttpRequestIdentifierFeature { TraceIdentifier = source.TraceIdentifier });
        features.Set<IRouteValuesFeature>(new RouteValuesFeature { RouteValues = new RouteValueDictionary(request.RouteValues) });

        return new DefaultHttpContext(features);
    }
}
