using System.Net;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.EngineIOProtocol;

/// <summary>Engine.IO protocol / handshake / HTTP long-polling.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class HandshakeOverPollingTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldSuccessfullyOpenASession()
    {
        var response = await server.Polling.GetAsync(server.HttpUri("EIO=4&transport=polling"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Handshakes.AssertOpenPacket(response.Body, "websocket");
    }

    // Beyond the suite (which checks the status only): the bodies are the reference server's error answers.
    private const string UnsupportedProtocolVersion = "{\"code\":5,\"message\":\"Unsupported protocol version\"}";
    private const string TransportUnknown = "{\"code\":0,\"message\":\"Transport unknown\"}";
    private const string BadHandshakeMethod = "{\"code\":2,\"message\":\"Bad handshake method\"}";

    [Fact]
    public async Task ShouldFailWithAnInvalidEIOQueryParameter()
    {
        var response = await server.Polling.GetAsync(server.HttpUri("transport=polling"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(UnsupportedProtocolVersion, response.Body);

        var response2 = await server.Polling.GetAsync(server.HttpUri("EIO=abc&transport=polling"));

        Assert.Equal(HttpStatusCode.BadRequest, response2.StatusCode);
        Assert.Equal(UnsupportedProtocolVersion, response2.Body);

        // Beyond the suite: Engine.IO v3 clients are refused the same way.
        var response3 = await server.Polling.GetAsync(server.HttpUri("EIO=3&transport=polling"));

        Assert.Equal(HttpStatusCode.BadRequest, response3.StatusCode);
        Assert.Equal(UnsupportedProtocolVersion, response3.Body);
    }

    [Fact]
    public async Task ShouldFailWithAnInvalidTransportQueryParameter()
    {
        var response = await server.Polling.GetAsync(server.HttpUri("EIO=4"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(TransportUnknown, response.Body);

        var response2 = await server.Polling.GetAsync(server.HttpUri("EIO=4&transport=abc"));

        Assert.Equal(HttpStatusCode.BadRequest, response2.StatusCode);
        Assert.Equal(TransportUnknown, response2.Body);
    }

    [Fact]
    public async Task ShouldFailWithAnInvalidRequestMethod()
    {
        var response = await server.Polling.PostAsync(server.HttpUri("EIO=4&transport=polling"), body: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(BadHandshakeMethod, response.Body);

        using var put = new HttpRequestMessage(HttpMethod.Put, server.HttpUri("EIO=4&transport=polling"));
        using var response2 = await server.Http.SendAsync(put);

        Assert.Equal(HttpStatusCode.BadRequest, response2.StatusCode);
        Assert.Equal(BadHandshakeMethod, await response2.Content.ReadAsStringAsync());
    }
}
