using Chat.Server;

namespace TypedSockets.Samples.Tests;

public sealed class ChatAppTests
{
    [Fact]
    public async Task ListensOnLocalhost5000UnlessToldOtherwise()
    {
        await using var app = ChatApp.Build([]);
        Assert.Equal(ChatApp.DefaultUrl, app.Configuration["urls"]);
    }

    [Theory]
    [InlineData(new[] { "--port", "8123" }, "http://localhost:8123")]
    [InlineData(new[] { "--urls", "http://0.0.0.0:9000" }, "http://0.0.0.0:9000")]
    public async Task PortAndUrlsArgumentsOverrideTheDefault(string[] args, string expected)
    {
        await using var app = ChatApp.Build(args);
        Assert.Equal(expected, app.Configuration["urls"]);
    }

    [Fact]
    public async Task PortZeroPicksAFreePortOnLoopback()
    {
        await using var app = ChatApp.Build(["--port", "0", "--contentRoot", RepositoryPaths.ChatServer, "--Logging:LogLevel:Default", "Warning"]);
        await app.StartAsync();
        var address = ChatApp.GetAddress(app);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        await app.StopAsync();
    }

    [Fact]
    public void InvalidPortIsRefusedWithAClearMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => ChatApp.Build(["--port", "http"]));
        Assert.Contains("--port", error.Message, StringComparison.Ordinal);
    }
}
