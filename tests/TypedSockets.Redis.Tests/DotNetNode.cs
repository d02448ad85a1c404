using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.ConformanceServer;
using TypedSockets.Server;

namespace TypedSockets.Redis.Tests;

/// <summary>
/// A .NET cluster node in this process: the conformance host started with <c>--redis</c> and <c>--adapter</c> (so
/// those flags are exercised), or an app set up the same way with the default ping settings. Either way each socket joins the rooms
/// named in its auth (<c>{"rooms":[...]}</c>), <c>socket.Data["node"]</c> is "dotnet", <c>join</c> joins a room,
/// and the server-side event <c>server-ping</c> is answered with <c>"dotnet:" + arg</c>.
/// </summary>
public sealed class DotNetNode : IAsyncDisposable
{
    private DotNetNode(WebApplication app, SocketIOServer io)
    {
        App = app;
        Io = io;
    }

    public WebApplication App { get; }

    public SocketIOServer Io { get; }

    public Uri Url => ConformanceHost.GetAddress(App);

    public string UrlText => Url.ToString().TrimEnd('/');

    /// <summary>Server-side events received: (event name, first argument as text).</summary>
    public ConcurrentQueue<(string Name, string? Arg)> ServerSideEvents { get; } = new();

    /// <summary>The conformance host as a cluster node.</summary>
    public static async Task<DotNetNode> StartConformanceAsync(RedisServer redis, string adapter)
    {
        var app = ConformanceHost.Build(["--port", "0", "--redis", redis.ConnectionString, "--adapter", adapter]);
        return await StartAsync(app);
    }

    /// <summary>
    /// A node with the default ping settings (the conformance host's 300/200 ms are too tight for a loaded test machine),
    /// re-emitting <c>broadcast</c> as <c>broadcast-back</c> like the conformance host; recovery on when asked.
    /// </summary>
    public static async Task<DotNetNode> StartAsync(RedisServer redis, string adapter, bool recovery)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTypedSockets(o =>
            {
                if (recovery)
                {
                    o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromSeconds(30) };
                }
            })
            .AddRedisCluster(redis.ConnectionString, adapter);
        builder.Services.AddHealthChecks().AddTypedSockets();
        var app = builder.Build();
        app.MapSocketIO("/socket.io", io => io.OnConnection(socket =>
            socket.On("broadcast", e => socket.Namespace.EmitAsync("broadcast-back", e.Arguments.ToRawArray()))));
        return await StartAsync(app);
    }

    private static async Task<DotNetNode> StartAsync(WebApplication app)
    {
        var io = app.Services.GetRequiredService<SocketIOServer>();
        var node = new DotNetNode(app, io);
        io.OnConnection(async socket =>
        {
            socket.Data["node"] = "dotnet";
            socket.Data.TryAdd("firstNode", node.UrlText); // kept by a recovered session

            var auth = socket.Handshake.GetAuth<JsonElement>();
            if (auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("rooms", out var rooms))
            {
                await socket.JoinAsync(rooms.EnumerateArray().Select(r => r.GetString()!).ToArray());
            }

            socket.On("join", async e =>
            {
                await socket.JoinAsync(e.GetArgument<string>(0)!);
                e.Ack("joined");
            });
        });
        io.OnServerSideEmit("server-ping", e =>
        {
            node.ServerSideEvents.Enqueue((e.Name, e.GetArgument<string>(0)));
            e.Ack("dotnet:" + e.GetArgument<string>(0));
        });
        io.OnServerSideEmit("server-note", e => node.ServerSideEvents.Enqueue((e.Name, e.GetArgument<string>(0))));
        await app.StartAsync();
        await node.WaitSubscribedAsync();
        return node;
    }

    /// <summary>Waits until the adapter of "/" listens to the cluster.</summary>
    public Task WaitSubscribedAsync() => Io.Sockets.Adapter switch
    {
        RedisAdapter pubsub => pubsub.Subscribed.WaitAsync(TimeSpan.FromSeconds(10)),
        RedisStreamsAdapter streams => streams.Subscribed.WaitAsync(TimeSpan.FromSeconds(10)),
        _ => throw new InvalidOperationException($"Unexpected adapter {Io.Sockets.Adapter.GetType()}"),
    };

    public async ValueTask DisposeAsync()
    {
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await App.StopAsync(cts.Token);
        }

        await App.DisposeAsync();
    }
}
