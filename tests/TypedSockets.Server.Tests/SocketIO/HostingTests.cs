using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TypedSockets.Server.Tests.SocketIO;

/// <summary>AddTypedSockets / MapSocketIO: configuration binding, DI, endpoint metadata.</summary>
public sealed class HostingTests
{
    private static async Task<(WebApplication App, Uri Address)> StartAsync(Action<WebApplicationBuilder> configureBuilder, Action<WebApplication> configureApp)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configureBuilder(builder);
        var app = builder.Build();
        configureApp(app);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return (app, address);
    }

    [Fact]
    public async Task OptionsAreBoundFromTheTypedSocketsSectionThenConfiguredInCode()
    {
        var (app, address) = await StartAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["TypedSockets:PingInterval"] = "00:00:07",
                    ["TypedSockets:MaxHttpBufferSize"] = "2048",
                    ["TypedSockets:ConnectTimeout"] = "00:00:03",
                });
                b.Services.AddTypedSockets(o => o.PingTimeout = TimeSpan.FromSeconds(4));
            },
            a => a.MapSocketIO("/socket.io", configureOptions: o => o.MaxAttachments = 3));
        await using var _ = app;

        var server = app.Services.GetRequiredService<SocketIOServer>();
        Assert.Equal(TimeSpan.FromSeconds(7), server.Options.PingInterval);
        Assert.Equal(TimeSpan.FromSeconds(4), server.Options.PingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), server.Options.ConnectTimeout);
        Assert.Equal(3, server.Options.MaxAttachments);
        Assert.Equal(10, app.Services.GetRequiredService<IOptions<SocketIOServerOptions>>().Value.MaxAttachments);

        using var http = new HttpClient();
        var handshake = await http.GetStringAsync(new Uri(address, "/socket.io/?EIO=4&transport=polling"));
        Assert.Contains("\"pingInterval\":7000", handshake);
        Assert.Contains("\"pingTimeout\":4000", handshake);
        Assert.Contains("\"maxPayload\":2048", handshake);
    }

    [Fact]
    public async Task SeveralServersCanBeMappedAndFoundByPath()
    {
        var (app, address) = await StartAsync(b => b.Services.AddTypedSockets(), a =>
        {
            a.MapSocketIO("/one");
            a.MapSocketIO("/two", configureOptions: o => o.PingInterval = TimeSpan.FromSeconds(9));
        });
        await using var _ = app;

        var registry = app.Services.GetRequiredService<SocketIOServerRegistry>();
        Assert.Same(registry.Get("/one"), app.Services.GetRequiredService<SocketIOServer>());
        Assert.Equal(TimeSpan.FromSeconds(9), registry.Get("two").Options.PingInterval);
        Assert.Throws<KeyNotFoundException>(() => registry.Get("/three"));
        Assert.Throws<InvalidOperationException>(() => a(app));

        using var http = new HttpClient();
        Assert.Contains("\"pingInterval\":9000", await http.GetStringAsync(new Uri(address, "/two/?EIO=4&transport=polling")));

        static void a(WebApplication app) => app.MapSocketIO("/one");
    }

    [Fact]
    public async Task MapSocketIOWithoutAddTypedSocketsExplainsWhatIsMissing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();
        await using var _ = app;
        var error = Assert.Throws<InvalidOperationException>(() => app.MapSocketIO());
        Assert.Contains("AddTypedSockets", error.Message);
    }

    private sealed class DenyAllHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.Authorization == "Bearer good"
                ? AuthenticateResult.Success(new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("name", "ann")], "test")), "test"))
                : AuthenticateResult.NoResult());
    }

    [Fact]
    public async Task EndpointMetadataAppliesToTheSocketIOEndpoint()
    {
        string? seenUser = null;
        var (app, address) = await StartAsync(
            b =>
            {
                b.Services.AddAuthentication("test").AddScheme<AuthenticationSchemeOptions, DenyAllHandler>("test", null);
                b.Services.AddAuthorization();
                b.Services.AddTypedSockets();
            },
            a =>
            {
                a.UseAuthentication();
                a.UseAuthorization();
                a.MapSocketIO("/socket.io", io => io.Use(s =>
                {
                    seenUser = s.Handshake.User.FindFirst("name")?.Value;
                    return ValueTask.CompletedTask;
                })).RequireAuthorization();
            });
        await using var _ = app;

        using var http = new HttpClient();
        var denied = await http.GetAsync(new Uri(address, "/socket.io/?EIO=4&transport=polling"));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "/socket.io/?EIO=4&transport=polling"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "good");
        var handshake = await (await http.SendAsync(request)).Content.ReadAsStringAsync();
        var sid = System.Text.Json.JsonDocument.Parse(handshake[1..]).RootElement.GetProperty("sid").GetString();

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(address, $"/socket.io/?EIO=4&transport=polling&sid={sid}")) { Content = new StringContent("40") };
        post.Headers.Authorization = request.Headers.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(post)).StatusCode);

        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(address, $"/socket.io/?EIO=4&transport=polling&sid={sid}"));
        get.Headers.Authorization = request.Headers.Authorization;
        Assert.StartsWith("40{\"sid\":", await (await http.SendAsync(get)).Content.ReadAsStringAsync());
        Assert.Equal("ann", seenUser);
    }
}
