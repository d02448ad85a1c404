using MessagePack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Protocol.SocketIO.MessagePack;
using TypedSockets.Server;

namespace TypedSockets.MessagePack.Tests;

/// <summary>
/// Our server on a free port of 127.0.0.1 with the msgpack parser: <c>/socket.io</c> serves the scenarios of
/// node/js-client.mjs; <c>/recovery</c> is the same with connection state recovery on.
/// </summary>
internal sealed class MessagePackTestServer : IAsyncDisposable
{
    private MessagePackTestServer(WebApplication app, string url)
    {
        App = app;
        Url = url;
    }

    public WebApplication App { get; }

    /// <summary>The address without a trailing slash.</summary>
    public string Url { get; }

    public static async Task<MessagePackTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTypedSockets();
        var app = builder.Build();
        app.MapSocketIO("/socket.io", Configure, o => o.Parser = MessagePackSocketIOParser.Default);
        app.MapSocketIO("/json", ConfigureCounter); // the JSON parser: the same contract, the same shapes
        app.MapSocketIO("/recovery", ConfigureRecovery, o =>
        {
            o.Parser = MessagePackSocketIOParser.Default;
            o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromSeconds(30) };
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MessagePackTestServer(app, new Uri(address).GetLeftPart(UriPartial.Authority));
    }

    private static void Configure(SocketIOServer io)
    {
        io.Of("/").OnConnection(socket =>
        {
            socket.Handle<IScoreServer>(new ScoreServer(socket));
            socket.Handle<ICounterServer>(new CounterServer(socket));
            socket.On("echo", e => socket.Emit("echo-back", e.Arguments.ToRawArray()));
            socket.On("ack-me", e => e.Ack(e.Arguments.ToRawArray()));
            socket.On("typed", e =>
            {
                var file = e.GetArgument<FileMessage>(0)!;
                e.Ack(new FileSummary
                {
                    Name = file.Name.ToUpperInvariant(),
                    Size = file.Content.Length,
                    Reversed = [.. file.Content.Reverse()],
                    NextDay = file.Sent.AddDays(1),
                    TagCount = file.Tags.Length,
                });
            });
            socket.On("length", e =>
            {
                var bytes = e.GetArgument<byte[]>(0)!;
                e.Ack(bytes.Length, bytes);
            });
            socket.On("ask-me", async e =>
            {
                var reply = await socket.EmitWithAckAsync("question", [e.GetArgument<int>(0), e.GetArgument<byte[]>(1)], TimeSpan.FromSeconds(4));
                socket.Emit("answer", reply.ToRawArray());
            });
            socket.On("join", async e =>
            {
                await socket.JoinAsync(e.GetArgument<string>(0)!);
                e.Ack();
            });
            socket.On("to-room", async e =>
            {
                var raw = e.Arguments.ToRawArray();
                await socket.To(e.GetArgument<string>(0)!).EmitAsync("room-msg", raw[1..]);
            });
            socket.On("broadcast-all", async e =>
            {
                await io.EmitAsync("everyone", e.Arguments.GetRaw(0));
                e.Ack();
            });
        });

        io.Of("/admin")
            .Use(socket =>
            {
                var token = socket.Handshake.AuthArguments.TryGetStringProperty(0, "token", out var t) ? t : null;
                return token == "secret"
                    ? ValueTask.CompletedTask
                    : throw new SocketConnectException("not authorized", new Dictionary<string, object> { ["code"] = 42, ["token"] = token ?? "" });
            })
            .OnConnection(socket =>
            {
                socket.On("whoami", e => e.Ack(socket.Namespace.Name, socket.Handshake.GetAuth<Dictionary<string, string>>()!["token"], socket.Handshake.Auth));
                socket.On("kick-me", _ => socket.Disconnect());
            });
    }

    private static void ConfigureCounter(SocketIOServer io) =>
        io.Of("/").OnConnection(socket => socket.Handle<ICounterServer>(new CounterServer(socket)));

    private static void ConfigureRecovery(SocketIOServer io)
    {
        io.Of("/").OnConnection(socket =>
        {
            socket.On("start", e =>
            {
                socket.Emit("tick", 1);
                e.Ack();
            });

            // While the client is away, a broadcast it will get on recovery.
            socket.OnDisconnect(reason => _ = io.EmitAsync("tick", 2));
        });
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

[MessagePackObject]
public sealed class FileMessage
{
    [Key("name")]
    public string Name { get; set; } = "";

    [Key("content")]
    public byte[] Content { get; set; } = [];

    [Key("sent")]
    public DateTimeOffset Sent { get; set; }

    [Key("tags")]
    public string[] Tags { get; set; } = [];
}

[MessagePackObject]
public sealed class FileSummary
{
    [Key("name")]
    public string Name { get; set; } = "";

    [Key("size")]
    public int Size { get; set; }

    [Key("reversed")]
    public byte[] Reversed { get; set; } = [];

    [Key("nextDay")]
    public DateTimeOffset NextDay { get; set; }

    [Key("tagCount")]
    public int TagCount { get; set; }
}
