using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using TypedSockets.Server.Hosting;

namespace TypedSockets.Server.Tests.Hosting;

/// <summary>MapSocketIOAdminUI: the Admin UI page's files served over real HTTP from a folder shaped like ui/dist.</summary>
public sealed class AdminUIPageTests : IAsyncLifetime
{
    private const string IndexHtml = "<!DOCTYPE html><html><head><link href=\"css/app.6e3b9661.css\" rel=\"stylesheet\"></head><body><div id=\"app\"></div><script src=\"js/app.0d7d7845.js\"></script></body></html>";
    private const string Secret = "not part of the page";
    private DirectoryInfo _work = null!;
    private DirectoryInfo _dist = null!;

    public Task InitializeAsync()
    {
        _work = Directory.CreateTempSubdirectory("admin-ui-page-");
        _dist = _work.CreateSubdirectory("dist");
        File.WriteAllText(Path.Combine(_work.FullName, "secret.txt"), Secret);
        File.WriteAllText(Path.Combine(_dist.FullName, "index.html"), IndexHtml);
        File.WriteAllBytes(Path.Combine(_dist.FullName, "favicon.png"), [0x89, (byte)'P', (byte)'N', (byte)'G']);
        Directory.CreateDirectory(Path.Combine(_dist.FullName, "js"));
        File.WriteAllText(Path.Combine(_dist.FullName, "js", "app.0d7d7845.js"), "console.log('admin');");
        File.WriteAllText(Path.Combine(_dist.FullName, "js", "app.0d7d7845.js.map"), "{\"version\":3}");
        Directory.CreateDirectory(Path.Combine(_dist.FullName, "css"));
        File.WriteAllText(Path.Combine(_dist.FullName, "css", "app.6e3b9661.css"), "body{}");
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _work.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<(WebApplication App, HttpClient Http)> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTypedSockets();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };
        return (app, http);
    }

    [Fact]
    public async Task ThePageOpensAtTheFolderUrlBesideTheSocketIOEndpoint()
    {
        var (app, http) = await StartAsync(a =>
        {
            a.MapSocketIO("/socket.io");
            a.MapSocketIOAdminUI("/admin-ui", _dist.FullName);
        });
        await using var _ = app;
        using var __ = http;

        // Without the slash the page's relative asset paths would resolve at the site root: moved to the folder URL.
        using var redirect = await http.GetAsync(new Uri("/admin-ui?lang=en", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal("/admin-ui/?lang=en", redirect.Headers.Location!.OriginalString);

        using var index = await http.GetAsync(new Uri("/admin-ui/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType!.MediaType);
        Assert.Equal(IndexHtml, await index.Content.ReadAsStringAsync());
        Assert.True(index.Headers.CacheControl!.NoCache);
        Assert.NotNull(index.Headers.ETag);
        Assert.NotNull(index.Content.Headers.LastModified);
        Assert.Equal(["nosniff"], index.Headers.GetValues("X-Content-Type-Options"));

        // The same file by its name.
        using var byName = await http.GetAsync(new Uri("/admin-ui/index.html", UriKind.Relative));
        Assert.Equal(IndexHtml, await byName.Content.ReadAsStringAsync());

        // The Socket.IO endpoint is untouched.
        using var handshake = await http.GetAsync(new Uri("/socket.io/?EIO=4&transport=polling", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.Contains("\"sid\"", await handshake.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HashedBundlesAreCachedForeverOtherFilesAreRevalidated()
    {
        var (app, http) = await StartAsync(a => a.MapSocketIOAdminUI("/admin-ui", _dist.FullName));
        await using var _ = app;
        using var __ = http;

        using var script = await http.GetAsync(new Uri("/admin-ui/js/app.0d7d7845.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", script.Headers.CacheControl!.ToString());
        Assert.Equal("console.log('admin');", await script.Content.ReadAsStringAsync());

        using var style = await http.GetAsync(new Uri("/admin-ui/css/app.6e3b9661.css", UriKind.Relative));
        Assert.Equal("text/css", style.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", style.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

        using var map = await http.GetAsync(new Uri("/admin-ui/js/app.0d7d7845.js.map", UriKind.Relative));
        Assert.Equal("application/json", map.Content.Headers.ContentType!.MediaType);
        Assert.True(map.Headers.CacheControl!.NoCache);

        using var icon = await http.GetAsync(new Uri("/admin-ui/favicon.png", UriKind.Relative));
        Assert.Equal("image/png", icon.Content.Headers.ContentType!.MediaType);
        Assert.True(icon.Headers.CacheControl!.NoCache);
    }

    [Fact]
    public async Task ARevalidationWithTheSameETagIsAnsweredNotModified()
    {
        var (app, http) = await StartAsync(a => a.MapSocketIOAdminUI("/admin-ui", _dist.FullName));
        await using var _ = app;
        using var __ = http;

        using var first = await http.GetAsync(new Uri("/admin-ui/", UriKind.Relative));
        var etag = first.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri("/admin-ui/", UriKind.Relative));
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var other = new HttpRequestMessage(HttpMethod.Get, new Uri("/admin-ui/", UriKind.Relative));
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        using var changed = await http.SendAsync(other);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(IndexHtml, await changed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HeadAnswersTheHeadersOnlyAndOtherMethodsAreRefused()
    {
        var (app, http) = await StartAsync(a => a.MapSocketIOAdminUI("/admin-ui", _dist.FullName));
        await using var _ = app;
        using var __ = http;

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri("/admin-ui/", UriKind.Relative)));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(IndexHtml.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var post = await http.PostAsync(new Uri("/admin-ui/", UriKind.Relative), new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Theory]
    [InlineData("/admin-ui/missing.js")]
    [InlineData("/admin-ui/js")]
    [InlineData("/admin-ui/js/")]
    [InlineData("/admin-ui/js//app.0d7d7845.js")]
    [InlineData("/admin-ui/%2e%2e/secret.txt")]
    [InlineData("/admin-ui/js/..%2F..%2Fsecret.txt")]
    [InlineData("/admin-ui/..%5Csecret.txt")]
    [InlineData("/admin-ui/%2E%2E%2Fsecret.txt")]
    public async Task NamesOutsideTheFolderOrNotFilesAreNotFound(string path)
    {
        var (app, http) = await StartAsync(a => a.MapSocketIOAdminUI("/admin-ui", _dist.FullName));
        await using var _ = app;
        using var __ = http;

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(http.BaseAddress!.GetLeftPart(UriPartial.Authority) + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileProviderCanServeThePageAtAnyPath()
    {
        using var files = new PhysicalFileProvider(_dist.FullName);
        var (app, http) = await StartAsync(a => a.MapSocketIOAdminUI("tools/socket-admin/", files));
        await using var _ = app;
        using var __ = http;

        using var redirect = await http.GetAsync(new Uri("/tools/socket-admin", UriKind.Relative));
        Assert.Equal("/tools/socket-admin/", redirect.Headers.Location!.OriginalString);
        Assert.Equal(IndexHtml, await http.GetStringAsync(new Uri("/tools/socket-admin/", UriKind.Relative)));
    }

    [Fact]
    public async Task TheReturnedBuilderTakesEndpointConventions()
    {
        var (app, http) = await StartAsync(a => a.MapSocketIOAdminUI("/admin-ui", _dist.FullName).RequireHost("admin.example.com"));
        await using var _ = app;
        using var __ = http;

        using var otherHost = await http.GetAsync(new Uri("/admin-ui/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, otherHost.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/admin-ui/", UriKind.Relative));
        request.Headers.Host = "admin.example.com";
        using var adminHost = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, adminHost.StatusCode);
        Assert.Equal(IndexHtml, await adminHost.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AMissingPageFailsWhenMappedWithWhatToDo()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddTypedSockets();
        await using var app = builder.Build();

        var missing = Path.Combine(_work.FullName, "nowhere");
        var error = Assert.Throws<DirectoryNotFoundException>(() => app.MapSocketIOAdminUI("/admin-ui", missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("<TypedSocketsAdminUI>true</TypedSocketsAdminUI>", error.Message, StringComparison.Ordinal);

        // The default folder is the build target's, under the output folder (absent in this test project).
        error = Assert.Throws<DirectoryNotFoundException>(() => app.MapSocketIOAdminUI());
        Assert.Contains(Path.Combine(AppContext.BaseDirectory, "socket.io-admin-ui"), error.Message, StringComparison.Ordinal);

        using var empty = new PhysicalFileProvider(_work.FullName);
        Assert.Throws<DirectoryNotFoundException>(() => app.MapSocketIOAdminUI("/admin-ui", empty));
        Assert.Throws<ArgumentException>(() => app.MapSocketIOAdminUI("/admin-{ui}", _dist.FullName));
    }

    [Theory]
    [InlineData("app.0d7d7845.js", true)]
    [InlineData("js/chunk-vendors.934c03ff.js", true)]
    [InlineData("img/logo-dark.3727fec5.svg", true)]
    [InlineData("js/app.0d7d7845.js.map", false)]
    [InlineData("index.html", false)]
    [InlineData("favicon.png", false)]
    [InlineData("app.0d7d784.js", false)]
    [InlineData("app.0d7d78zz.js", false)]
    public void ContentHashedNamesAreRecognized(string name, bool hashed) =>
        Assert.Equal(hashed, AdminUIStaticFiles.IsContentHashed(name));

    [Theory]
    [InlineData("index.html", true)]
    [InlineData("js/app.js", true)]
    [InlineData("../secret.txt", false)]
    [InlineData("js/../../secret.txt", false)]
    [InlineData("./index.html", false)]
    [InlineData("js//app.js", false)]
    [InlineData("js/", false)]
    [InlineData("..\\secret.txt", false)]
    [InlineData("C:secret.txt", false)]
    [InlineData("index.html\0.png", false)]
    public void OnlyPlainRelativeNamesAreLookedUp(string name, bool safe) =>
        Assert.Equal(safe, AdminUIStaticFiles.IsSafeName(name));
}
