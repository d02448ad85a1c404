using System.Net;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// What a session keeps of its handshake request, which Kestrel recycles once it ends: request line, headers, route
/// values, user, connection and TLS info, trace identifier. <see cref="CreateHttpContext"/> turns it into a standalone
/// <see cref="HttpContext"/> with the session's own service provider; the session does that on first use, so an idle
/// session that nobody asks for its context holds only this snapshot.
/// </summary>
internal sealed class EngineHandshakeRequest
{
    private readonly string _protocol;
    private readonly string _method;
    private readonly string _scheme;
    private readonly string _pathBase;
    private readonly string _path;
    private readonly string _queryString;
    private readonly string _rawTarget;
    private readonly KeyValuePair<string, StringValues>[] _headers;
    private readonly RouteValueDictionary? _routeValues; // null when there were none
    private readonly string? _connectionId;
    private readonly IPAddress? _localIpAddress;
    private readonly IPAddress? _remoteIpAddress;
    private readonly int _localPort;
    private readonly int _remotePort;
    private readonly bool _hasTls;
    private readonly X509Certificate2? _clientCertificate;
    private readonly ClaimsPrincipal? _user; // null when nothing set one: the context then makes an anonymous one on demand
    private readonly string _traceIdentifier;
    private readonly DateTimeOffset? _authenticationExpiresUtc;
    private readonly EngineAuthorizationRefusal? _authorizationRefusal;

    private EngineHandshakeRequest(HttpContext source)
    {
        var request = source.Request;
        var features = source.Features;
        _protocol = request.Protocol;
        _method = request.Method;
        _scheme = request.Scheme;
        _pathBase = request.PathBase.Value ?? string.Empty;
        _path = request.Path.Value ?? string.Empty;
        _queryString = request.QueryString.Value ?? string.Empty;
        _rawTarget = features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;

        var headers = request.Headers;
        var copy = new KeyValuePair<string, StringValues>[headers.Count];
        var count = 0;
        foreach (var header in headers)
        {
            if (count == copy.Length)
            {
                Array.Resize(ref copy, count * 2 + 1);
            }

            copy[count++] = header;
        }

        if (count != copy.Length)
        {
            Array.Resize(ref copy, count);
        }

        _headers = copy;

        // Read the features directly rather than through HttpContext.Connection / .User, which would make the
        // request's context allocate a ConnectionInfo and an anonymous principal it does not otherwise need.
        if (features.Get<IRouteValuesFeature>()?.RouteValues is { Count: > 0 } routeValues)
        {
            _routeValues = new RouteValueDictionary(routeValues);
        }

        if (features.Get<IHttpConnectionFeature>() is { } connection)
        {
            _connectionId = connection.ConnectionId;
            _localIpAddress = connection.LocalIpAddress;
            _localPort = connection.LocalPort;
            _remoteIpAddress = connection.RemoteIpAddress;
            _remotePort = connection.RemotePort;
        }

        if (features.Get<ITlsConnectionFeature>() is { } tls)
        {
            _hasTls = true;
            _clientCertificate = tls.ClientCertificate;
        }

        _user = features.Get<IHttpAuthenticationFeature>()?.User;
        _authenticationExpiresUtc = features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.ExpiresUtc;
        _authorizationRefusal = features.Get<EngineAuthorizationRefusal>();
        _traceIdentifier = source.TraceIdentifier;
    }

    /// <summary>The authenticated user of the handshake request (null when no authentication set one).</summary>
    public ClaimsPrincipal? User => _user;

    /// <summary>When the handshake's authentication expires (the ticket's <c>ExpiresUtc</c>), null when unknown.</summary>
    public DateTimeOffset? AuthenticationExpiresUtc => _authenticationExpiresUtc;

    /// <summary>Set when the endpoint's authorization refused the handshake but let it through to tell the client in the protocol.</summary>
    public EngineAuthorizationRefusal? AuthorizationRefusal => _authorizationRefusal;

    public static EngineHandshakeRequest Capture(HttpContext source) => new(source);

    /// <summary>A new standalone context over this snapshot whose RequestServices are <paramref name="services"/>.</summary>
    public HttpContext CreateHttpContext(IServiceProvider services)
    {
        var features = new FeatureCollection();

        var headers = new HeaderDictionary(_headers.Length);
        foreach (var (name, value) in _headers)
        {
            headers[name] = value;
        }

        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Protocol = _protocol,
            Method = _method,
            Scheme = _scheme,
            PathBase = _pathBase,
            Path = _path,
            QueryString = _queryString,
            RawTarget = _rawTarget,
            Headers = headers,
            Body = Stream.Null,
        });
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = _connectionId!,
            LocalIpAddress = _localIpAddress,
            LocalPort = _localPort,
            RemoteIpAddress = _remoteIpAddress,
            RemotePort = _remotePort,
        });

        if (_hasTls)
        {
            features.Set<ITlsConnectionFeature>(new TlsConnectionFeature { ClientCertificate = _clientCertificate });
        }

        features.Set<IHttpAuthenticationFeature>(new HttpAuthenticationFeature { User = _user ?? new ClaimsPrincipal(new ClaimsIdentity()) });
        features.Set<IServiceProvidersFeature>(new ServiceProvidersFeature { RequestServices = services });
        features.Set<IHttpRequestIdentifierFeature>(new HttpRequestIdentifierFeature { TraceIdentifier = _traceIdentifier });
        features.Set<IRouteValuesFeature>(new RouteValuesFeature
        {
            RouteValues = _routeValues is null ? new RouteValueDictionary() : new RouteValueDictionary(_routeValues),
        });

        return new DefaultHttpContext(features);
    }
}
