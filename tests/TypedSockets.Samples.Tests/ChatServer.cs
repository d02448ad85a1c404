using Chat.Server;
using Chat.Server.Chat;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSockets.Samples.Tests;

/// <summary>The chat sample, started in-process on a free port of 127.0.0.1 with its real wwwroot.</summary>
internal sealed class ChatServer : IAsyncDisposable
{
    private ChatServer(WebApplication app)
    {
        App = app;
        Address = ChatApp.GetAddress(app);
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>The address without the trailing slash, as the Node scripts take it.</summary>
    public string Url => Address.GetLeftPart(UriPartial.Authority);

    public ChatDirectory Directory => App.Services.GetRequiredService<ChatDirectory>();

    public IChatHistory History => App.Services.GetRequiredService<IChatHistory>();

    /// <summary>Starts the sample; <paramref name="arguments"/> are added to its command line (e.g. --admin-ui user:password).</summary>
    public static async Task<ChatServer> StartAsync(params string[] arguments)
    {
        var app = ChatApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--contentRoot", RepositoryPaths.ChatServer,
            "--Logging:LogLevel:Default", "Warning",
            .. arguments,
        ]);
        await app.StartAsync();
        return new ChatServer(app);
    }

    /// <summary>Waits until every user has been signed out (the server saw their disconnection), or fails.</summary>
    public async Task AssertEveryoneSignsOutAsync()
    {
        await Eventually.TrueAsync(() => Directory.Usernames.Count == 0, () => $"every user signed out (left: {string.Join(", ", Directory.Usernames)})");
        Assert.All(Directory.ListRooms(), room =>
        {
            Assert.True(room.Permanent, $"room {room.Name} should have been removed with its last user");
            Assert.Equal(0, room.UserCount);
        });
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
