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

    [Fact]
    public async Task ShouldFailWithAnInvalidEIOQueryParameter()
    {
        var response = await server.Polling.GetAsync(server.HttpUri("transport=polling"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var response2 = await server.Polling.GetAsync(server.HttpUri("EIO=abc&transport=polling"));

        Assert.Equal(HttpStatusCode.BadRequest, response2.StatusCode);
    }

    [Fact]
    public async Task ShouldFailWithAnInvalidTransportQueryParameter()
    {
        var response = await server.Polling.GetAsync(server.HttpUri("EIO=4"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var response2 = await server.Polling.GetAsync(server.HttpUri("EIO=4&transport=abc"));

        Assert.Equal(HttpStatusCode.BadRequest, response2.StatusCode);
    }

    [Fact]
    public async Task ShouldFailWithAnInvalidRequestMethod()
    {
        var response = await server.Polling.PostAsync(server.HttpUri("EIO=4&transport=polling"), body: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        using var put = new HttpRequestMessage(HttpMethod.Put, server.HttpUri("EIO=4&transport=polling"));
        using var response2 = await server.Http.SendAsync(put);

        Assert.Equal(HttpStatusCode.BadRequest, response2.StatusCode);
    }
}
