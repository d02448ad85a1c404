using System.Net;
using Chat.Server;

namespace TypedSockets.Samples.Tests;

/// <summary>
/// The chat sample with <c>--admin-ui user:password</c>: the Socket.IO Admin UI page (npm @socket.io/admin-ui, copied to
/// the output by the build) served at /admin-ui/ and driven in a real headless Chromium (node/admin-ui.mjs), signed in to
/// against the sample's "/admin" namespace. The browser is Debian's chromium package (/usr/bin/chromium, or
/// CHROMIUM_PATH). Screenshots go to a temporary folder, removed afterwards unless CHAT_SCREENSHOTS_KEEP=1.
/// </summary>
public sealed class AdminUITests : IAsyncLifetime
{
    private const string User = "admin";
    private const string Password = "s3cret:with-colon";
    private ChatServer _server = null!;
    private DirectoryInfo _work = null!;

    public async Task InitializeAsync()
    {
        _server = await ChatServer.StartAsync("--admin-ui", $"{User}:{Password}");
        _work = Directory.CreateTempSubdirectory("chat-admin-ui-");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Environment.GetEnvironmentVariable("CHAT_SCREENSHOTS_KEEP") != "1")
        {
            _work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TheServedPageSignsInAndListsTheTwoChatSocketsAndTheirRooms()
    {
        var output = await RunScenarioAsync("sockets");
        Assert.Contains("\"alice\":", output, StringComparison.Ordinal);
        foreach (var shot in new[] { "admin-ui-dashboard.png", "admin-ui-sockets.png", "admin-ui-rooms.png", "admin-ui-socket.png" })
        {
            Assert.True(File.Exists(Path.Combine(_work.FullName, "screenshots-sockets", shot)), $"{shot} was not written");
        }

        await _server.AssertEveryoneSignsOutAsync();
    }

    [Fact]
    public async Task AWrongPasswordShowsTheUIsInvalidCredentialsMessage()
    {
        await RunScenarioAsync("wrong-password");
        Assert.True(File.Exists(Path.Combine(_work.FullName, "screenshots-wrong-password", "admin-ui-wrong-password.png")));
    }

    [Fact]
    public async Task ThePageComesFromTheAdminUIPackageCopiedByTheBuild()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _server.Address };
        using var redirect = await http.GetAsync(new Uri("/admin-ui", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal("/admin-ui/", redirect.Headers.Location!.OriginalString);

        var index = await http.GetStringAsync(new Uri("/admin-ui/", UriKind.Relative));
        Assert.Contains("<title>Socket.IO Admin UI</title>", index, StringComparison.Ordinal);
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.ChatServer, "node_modules", "@socket.io", "admin-ui", "ui", "dist", "index.html")),
            index);
    }

    private async Task<string> RunScenarioAsync(string scenario)
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium),
            $"Chromium is required for the browser tests and was not found at {chromium}. Install it with `apt-get install -y chromium` " +
            "(or point CHROMIUM_PATH at a Chromium binary).");

        var profiles = _work.CreateSubdirectory("tmp-" + scenario);
        var screenshots = _work.CreateSubdirectory("screenshots-" + scenario);
        var result = await NodeRunner.RunAsync(
            "admin-ui.mjs",
            [_server.Url, User, Password, screenshots.FullName, scenario],
            TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["TMPDIR"] = profiles.FullName, ["CHROMIUM_PATH"] = chromium });
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"PASS admin-ui-{scenario}", result.StandardOutput, StringComparison.Ordinal);
        return result.StandardOutput;
    }
}

/// <summary>The chat sample's <c>--admin-ui</c> option, without a browser.</summary>
public sealed class AdminUIOptionTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("alice:")]
    [InlineData(":hunter2")]
    [InlineData("")]
    public void AMalformedValueIsRefusedWithAClearMessageThatDoesNotRepeatIt(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => ChatApp.Build(["--admin-ui", value]));
        Assert.Contains("--admin-ui expects <user>:<password>", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheOptionThereIsNoPage()
    {
        await using var server = await ChatServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        using var response = await http.GetAsync(new Uri("/admin-ui/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
