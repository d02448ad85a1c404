using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.MessagePack;
using TypedSockets.Server;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.LoadTest.Targets;

/// <summary>
/// The .NET benchmark targets, each serving the same two operations as the Node script: "echo" (answered to the
/// sender with the same payload) and "broadcast" (a "tick" with the payload to every connection), plus
/// <c>GET /stats</c>: the managed heap after a full collection and the connection count.
/// </summary>
public static class BenchmarkTargets
{
    /// <summary>
    /// typedsockets (JSON or MessagePack parser; <paramref name="api"/> "typed": <see cref="TypedBenchmarkHub"/>, "untyped":
    /// <c>socket.On</c> handlers), soak (<see cref="SoakHub"/> with connection state recovery), signalr, raw. Listens on 127.0.0.1:<paramref name="port"/> (0 = any free port).
    /// </summary>
    public static WebApplication Build(string target, int port, string parser = "json", string api = "typed")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.AddServerHeader = false;
        });

        Func<int> connections;
        Action<WebApplication> map;
        switch (target)
        {
            case "typedsockets":
                SocketIOParser? socketParser = parser switch
                {
                    "json" => null, // the server's default JSON parser
                    "msgpack" => MessagePackSocketIOParser.Default,
                    _ => throw new ArgumentException($"Unknown parser '{parser}' (json, msgpack).", nameof(parser)),
                };
                builder.Services.AddTypedSockets(o =>
                {
                    o.Transports = EngineTransports.WebSocket;
                    o.Parser = socketParser;
                });
                SocketIOServer? server = null;
                connections = () => server?.Engine?.Count ?? 0;
                if (api is not ("typed" or "untyped"))
                {
                    throw new ArgumentException($"Unknown api '{api}' (typed, untyped).", nameof(api));
                }

                map = app => app.MapSocketIO("/socket.io", io =>
                {
                    server = io;
                    if (api == "typed")
                    {
                        io.MapNamespace<TypedBenchmarkHub>("/");
                        return;
                    }

                    io.OnConnection(socket =>
                    {
                        socket.On("echo", e => e.Ack(e.Arguments.ToRawArray()));
                        socket.On("broadcast", e => io.EmitAsync("tick", e.Arguments.ToRawArray()));
                    });
                });
                break;

            case "soak":
                // The soak scenario's target: SoakHub (rooms with sequence numbers, acked calls) with connection state
                // recovery on, so clients that drop their transport come back with their rooms and missed broadcasts.
                builder.Services.AddTypedSockets(o =>
                {
                    o.Transports = EngineTransports.WebSocket;
                    o.Parser = parser == "msgpack" ? MessagePackSocketIOParser.Default : null;
                    o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions();
                });
                SocketIOServer? soakServer = null;
                connections = () => soakServer?.Engine?.Count ?? 0;
                map = app => app.MapSocketIO("/socket.io", io =>
                {
                    soakServer = io;
                    io.MapNamespace<SoakHub>("/");
                });
                break;

            case "signalr":
                builder.Services.AddSignalR(o =>
                {
                    // The load tool's clients send nothing while idle: keep them until the run closes them.
                    o.ClientTimeoutInterval = TimeSpan.FromMinutes(10);
                    o.EnableDetailedErrors = false;
                });
                connections = () => BenchmarkHub.Connections;
                map = app => app.MapHub<BenchmarkHub>("/hub", o => o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets);
                break;

            case "raw":
                var hub = new RawWebSocketHub();
                connections = () => hub.Count;
                map = app =>
                {
                    app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
                    app.Map("/ws", hub.HandleAsync);
                };
                break;

            default:
                throw new ArgumentException($"Unknown target '{target}' (typedsockets, soak, signalr, raw).", nameof(target));
        }

        var app = builder.Build();
        map(app);
        app.MapGet("/stats", () =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return Results.Json(new TargetStats(GC.GetTotalMemory(forceFullCollection: false), connections()), TargetsJsonContext.Default.TargetStats);
        });
        return app;
    }
}

public sealed record TargetStats(long Heap, int Connections);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(TargetStats))]
internal sealed partial class TargetsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
