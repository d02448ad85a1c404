namespace TypedSockets.Samples.Tests;

/// <summary>
/// People chat through the page in a real headless Chromium driven by playwright-core (node/browser-chat.mjs).
/// The browser is Debian's chromium package (/usr/bin/chromium, or CHROMIUM_PATH); without it these tests fail.
/// Screenshots go to a temporary folder, removed afterwards unless CHAT_SCREENSHOTS_KEEP=1.
/// </summary>
public sealed class BrowserChatTests : IAsyncLifetime
{
    private static readonly byte[] s_pngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private ChatServer _server = null!;
    private DirectoryInfo _work = null!;

    public async Task InitializeAsync()
    {
        _server = await ChatServer.StartAsync();
        _work = Directory.CreateTempSubdirectory("chat-browser-");
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
    public async Task TwoBrowserUsersSeeEachOthersMessagesAndTypingIndicator()
    {
        var screenshots = await RunScenarioAsync("conversation");
        await AssertScreenshotAsync(screenshots, "chat-alice.png");
        await AssertScreenshotAsync(screenshots, "chat-bob.png");

        await _server.AssertEveryoneSignsOutAsync();
        Assert.Equal(
            ["Hello Bob, this is Alice", "<img src=x onerror=\"window.__pwned=1\"><b>bold?</b>"],
            _server.History.GetRecent("lobby").Select(m => m.Text));
        Assert.Empty(_server.History.GetRecent("design")); // not permanent: gone with its last user
    }

    [Fact]
    public async Task PageShowsReconnectingAndRestoresTheSessionAfterAnOutage()
    {
        var screenshots = await RunScenarioAsync("reconnect");
        await AssertScreenshotAsync(screenshots, "chat-reconnecting.png");

        await _server.AssertEveryoneSignsOutAsync();
        Assert.Empty(_server.History.GetRecent("design"));
    }

    private async Task<string> RunScenarioAsync(string scenario)
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium),
            $"Chromium is required for the browser tests and was not found at {chromium}. Install it with `apt-get install -y chromium` " +
            "(or point CHROMIUM_PATH at a Chromium binary).");

        // launch() makes a fresh browser profile under TMPDIR: give it a folder of its own.
        var profiles = _work.CreateSubdirectory("tmp-" + scenario);
        var screenshots = _work.CreateSubdirectory("screenshots-" + scenario);
        var result = await NodeRunner.RunAsync(
            "browser-chat.mjs",
            [_server.Url, screenshots.FullName, scenario],
            TimeSpan.FromSeconds(50),
            new Dictionary<string, string> { ["TMPDIR"] = profiles.FullName, ["CHROMIUM_PATH"] = chromium });
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"PASS browser-{scenario}", result.StandardOutput, StringComparison.Ordinal);
        return screenshots.FullName;
    }

    private static async Task AssertScreenshotAsync(string folder, string name)
    {
        var shot = new FileInfo(Path.Combine(folder, name));
        Assert.True(shot.Exists, $"{name} was not written");
        var header = new byte[8];
        await using (var stream = shot.OpenRead())
        {
            await stream.ReadExactlyAsync(header);
        }

        Assert.Equal(s_pngSignature, header);
        Assert.True(shot.Length > 10_000, $"{name} is suspiciously small ({shot.Length} bytes)");
    }
}
