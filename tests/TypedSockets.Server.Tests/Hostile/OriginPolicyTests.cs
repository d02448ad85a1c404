using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server.EngineIO;
using TypedSockets.Server.Tests.EngineIO;

namespace TypedSockets.Server.Tests.Hostile;

/// <summary>Issue 15, defect 6: cross-site WebSocket hijacking. Both transports check the Origin of browsers.</summary>
[Collection(EngineIOCollection.Name)]
public class OriginPolicyTests
{
    private const string Evil = "https://evil.example";
    private const string Good = "https://good.example";

    [Fact]
    public async Task WithNothingConfiguredAForeignOriginIsRefusedOnBothTransports()
    {
        await using var host = await EngineIOTestHost.StartAsync(new RecordingHandler(), _ => { });

        Assert.Equal(HttpStatusCode.Forbidden, await WebSocketStatusAsync(host.Client, Evil));
        var (status, content) = await PollingHandshakeAsync(host.Client, Evil);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("{\"code\":4,\"message\":\"Origin not allowed\"}", content);
    }

    [Fact]
    public async Task WithNothingConfiguredSameOriginPagesAndNonBrowserClientsAreAccepted()
    {
        await using var host = await EngineIOTestHost.StartAsync(new RecordingHandler(), _ => { });
        var self = host.Address.GetLeftPart(UriPartial.Authority);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WebSocketStatusAsync(host.Client, self));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WebSocketStatusAsync(host.Client, origin: null));
        Assert.Equal(HttpStatusCode.OK, (await PollingHandshakeAsync(host.Client, self)).Status);
    }

    [Fact]
    public async Task AllowedOriginsListsTheOriginsAccepted()
    {
        await using var host = await EngineIOTestHost.StartAsync(new RecordingHandler(), o => o.AllowedOrigins = [Good + "/"]);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WebSocketStatusAsync(host.Client, Good));
        Assert.Equal(HttpStatusCode.OK, (await PollingHandshakeAsync(host.Client, Good)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, await WebSocketStatusAsync(host.Client, Evil));
        Assert.Equal(HttpStatusCode.Forbidden, (await PollingHandshakeAsync(host.Client, Evil)).Status);
    }

    [Fact]
    public async Task AStarInAllowedOriginsAcceptsAnyOrigin()
    {
        await using var host = await EngineIOTestHost.StartAsync(new RecordingHandler(), o => o.AllowedOrigins = ["*"]);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WebSocketStatusAsync(host.Client, Evil));
    }

    [Fact]
    public async Task TheRequestsOfASessionAreCheckedToo()
    {
        await using var host = await EngineIOTestHost.StartAsync(new RecordingHandler(), _ => { });
        var sid = await host.Client.OpenPollingAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, host.Client.PollingUrl(sid));
        request.Headers.Add("Origin", Evil);
        using var response = await host.Client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, await WebSocketStatusAsync(host.Client, Evil, "&sid=" + sid));
    }

    [Theory]
    [InlineData("endpoint policy")]
    [InlineData("named policy")]
    [InlineData("default policy")]
    public async Task TheEndpointsCorsPolicyOriginsAreAcceptedAndOthersRefused(string how)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddCors(o =>
        {
            o.AddPolicy("sites", p => p.WithOrigins(Good));
            if (how == "default policy")
            {
                o.AddDefaultPolicy(p => p.WithOrigins(Good));
            }
        });
        await using var app = builder.Build();
        app.UseCors();
        var endpoint = app.MapEngineIO("/engine.io", new RecordingHandler());
        _ = how switch
        {
            "endpoint policy" => endpoint.RequireCors(p => p.WithOrigins(Good)),
            "named policy" => endpoint.RequireCors("sites"),
            _ => endpoint,
        };
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = new EngineIOTestClient(address);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WebSocketStatusAsync(client, Good));
        Assert.Equal(HttpStatusCode.OK, (await PollingHandshakeAsync(client, Good)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, await WebSocketStatusAsync(client, Evil));
        await app.StopAsync();
    }

    private static async Task<HttpStatusCode> WebSocketStatusAsync(EngineIOTestClient client, string? origin, string extraQuery = "")
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(EngineIOTestClient.Timeout);
        try
        {
            await socket.ConnectAsync(client.WebSocketUrl("EIO=4&transport=websocket" + extraQuery), timeout.Token);
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }

        var status = socket.HttpStatusCode;
        socket.Abort();
        return status;
    }

    private static async Task<(HttpStatusCode Status, string Content)> PollingHandshakeAsync(EngineIOTestClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, client.PollingUrl());
        request.Headers.Add("Origin", origin);
        using var response = await client.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
