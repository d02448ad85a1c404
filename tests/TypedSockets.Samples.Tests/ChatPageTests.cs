using System.Net;

namespace TypedSockets.Samples.Tests;

/// <summary>The sample serves its page, the client bundle copied from the pinned npm package, and Socket.IO on one port.</summary>
public sealed class ChatPageTests : IAsyncLifetime
{
    private ChatServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ChatServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.Address };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task RootServesThePageWithItsScriptsAndStyles()
    {
        var page = await _http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"lib/socket.io.min.js\"></script>", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"app.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("//cdn", html, StringComparison.OrdinalIgnoreCase);

        foreach (var (path, type) in new[] { ("/app.js", "text/javascript"), ("/style.css", "text/css") })
        {
            var response = await _http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task ClientBundleIsThePinnedSocketIOClientBuild()
    {
        var served = await _http.GetByteArrayAsync("/lib/socket.io.min.js");
        var fromPackage = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.ChatServer, "node_modules", "socket.io-client", "dist", "socket.io.min.js"));
        Assert.Equal(fromPackage, served);
        Assert.StartsWith("/*!\n * Socket.IO v4.8.", System.Text.Encoding.UTF8.GetString(served, 0, 40), StringComparison.Ordinal);

        var map = await _http.GetAsync("/lib/socket.io.min.js.map");
        Assert.Equal(HttpStatusCode.OK, map.StatusCode);
    }

    [Fact]
    public async Task SocketIOHandshakeIsServedNextToThePage()
    {
        var body = await _http.GetStringAsync("/socket.io/?EIO=4&transport=polling");
        Assert.StartsWith("0{\"sid\":\"", body, StringComparison.Ordinal);
        Assert.Contains("\"upgrades\":[\"websocket\"]", body, StringComparison.Ordinal);
    }
}
