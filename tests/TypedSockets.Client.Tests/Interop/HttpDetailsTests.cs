using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Client.Tests.Infrastructure;

namespace TypedSockets.Client.Tests.Interop;

/// <summary>
/// What every Engine.IO request carries: the path, the extra query parameters and headers, and the cookies a
/// sticky-session load balancer set (here a middleware in front of our server plays the balancer).
/// </summary>
public sealed class HttpDetailsTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<RequestRecord> _requests = new();
    private WebApplication? _app;
    private Uri _uri = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTypedSockets(o => o.PingInterval = TimeSpan.FromMilliseconds(200));
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Use(async (context, next) =>
        {
            var request = context.Request;
            _requests.Enqueue(new RequestRecord(
                request.Path,
                request.Query["transport"].ToString(),
                request.Query["room"].ToString(),
                request.Headers["X-Tenant"].ToString(),
                request.Cookies["lb"]));
            if (request.Cookies["lb"] is null)
            {
                context.Response.Cookies.Append("lb", "node-7", new CookieOptions { Path = "/" });
            }

            await next(context);
        });
        _app.MapSocketIO("/realtime", io => io.OnConnection(socket => socket.On("ack", e => e.Ack(e.Arguments.ToRawArray()))));
        await _app.StartAsync();
        _uri = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task EveryRequestCarriesThePathQueryHeadersAndBalancerCookie()
    {
        var cookies = new CookieContainer();
        await using var manager = new SocketIOManager(_uri, new SocketIOClientOptions
        {
            Path = "/realtime",
            Query = { ["room"] = "blue" },
            ExtraHeaders = { ["X-Tenant"] = "acme" },
            Cookies = cookies,
        });
        var socket = manager.Socket();
        await socket.ConnectAsync().WithTimeout();
        await TestWait.UntilAsync(() => manager.Transport == "websocket", "the session upgraded");
        Assert.Equal(1, await socket.EmitWithAckAsync<int>("ack", 1).WithTimeout());

        var requests = _requests.ToArray();
        Assert.True(requests.Length >= 3, $"polling handshake, at least one more poll and the WebSocket: {requests.Length}");
        Assert.All(requests, r =>
        {
            Assert.StartsWith("/realtime/", r.Path);
            Assert.Equal("blue", r.Room);
            Assert.Equal("acme", r.Tenant);
        });
        Assert.Null(requests[0].BalancerCookie); // the first request gets the cookie...
        Assert.All(requests.Skip(1), r => Assert.Equal("node-7", r.BalancerCookie)); // ...every later one sends it back
        Assert.Contains(requests, r => r.Transport == "websocket");
        Assert.Equal("node-7", cookies.GetCookies(_uri)["lb"]?.Value);
    }

    private sealed record RequestRecord(string Path, string Transport, string Room, string Tenant, string? BalancerCookie);
}
