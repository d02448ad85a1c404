namespace TypedSockets.Samples.Tests;

/// <summary>
/// Two people chat through the page in a real headless Chromium driven by playwright-core (node/browser-chat.mjs).
/// The browser is Debian's chromium package (/usr/bin/chromium, or CHROMIUM_PATH); without it the test fails.
/// </summary>
public sealed class BrowserChatTests : IAsyncLifetime
{
    private ChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TwoBrowserUsersSeeEachOthersMessagesAndTypingIndicator()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium),
            $"Chromium is required for the browser test and was not found at {chromium}. Install it with `apt-get install -y chromium` " +
            "(or point CHROMIUM_PATH at a Chromium binary).");

        // launch() makes a fresh profile under TMPDIR: give it a folder of its own, removed afterwards.
        var work = Directory.CreateTempSubdirectory("chat-browser-");
        var profiles = work.CreateSubdirectory("tmp");
        var screenshots = work.CreateSubdirectory("screenshots");
        var keep = Environment.GetEnvironmentVariable("CHAT_SCREENSHOTS_KEEP") == "1";
        try
        {
            var result = await NodeRunner.RunAsync(
                "browser-chat.mjs",
                [_server.Url, screenshots.FullName],
                TimeSpan.FromSeconds(50),
                new Dictionary<string, string> { ["TMPDIR"] = profiles.FullName, ["CHROMIUM_PATH"] = chromium });
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("PASS browser", result.StandardOutput, StringComparison.Ordinal);

            foreach (var name in new[] { "chat-alice.png", "chat-bob.png" })
            {
                var shot = new FileInfo(Path.Combine(screenshots.FullName, name));
                Assert.True(shot.Exists, $"{name} was not written");
                var header = new byte[8];
                await using (var stream = shot.OpenRead())
                {
                    await stream.ReadExactlyAsync(header);
                }

                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, header);
                Assert.True(shot.Length > 10_000, $"{name} is suspiciously small ({shot.Length} bytes)");
            }

            await _server.AssertEveryoneSignsOutAsync();
            Assert.Equal(
                ["Hello Bob, this is Alice", "<img src=x onerror=\"window.__pwned=1\"><b>bold?</b>"],
                _server.History.GetRecent("lobby").Select(m => m.Text));
            Assert.Empty(_server.History.GetRecent("design")); // not permanent: gone with its last user
        }
        finally
        {
            if (!keep)
            {
                work.Delete(recursive: true);
            }
        }
    }
}
