using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Client.Tests.Infrastructure;

/// <summary>Our server (TypedSockets.Server on Kestrel, in process) with the same handlers as <c>node/server.mjs</c>.</summary>
public sealed class DotnetScenarioServer : IScenarioServer
{
    private readonly ScenarioServerConfig _config;
    private readonly ConcurrentDictionary<string, List<long>> _received = new();
    private readonly ConcurrentDictionary<string, int> _flaky = new();
    private WebApplication? _app;

    private DotnetScenarioServer(ScenarioServerConfig config)
    {
        _config = config;
    }

    public string Name => "dotnet";

    public int Port { get; private set; }

    public Uri Uri => new($"http://127.0.0.1:{Port}");

    public static async Task<DotnetScenarioServer> StartAsync(ScenarioServerConfig config)
    {
        var server = new DotnetScenarioServer(config);
        await server.StartHostAsync(0);
        return server;
    }

    public async Task StopAsync()
    {
        var app = _app;
        _app = null;
        if (app is not null)
        {
            await app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token);
            await app.DisposeAsync();
        }
    }

    public Task StartAgainAsync() => StartHostAsync(Port);

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task StartHostAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTypedSockets(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(_config.PingIntervalMs);
            o.PingTimeout = TimeSpan.FromMilliseconds(_config.PingTimeoutMs);
            o.Transports = (_config.AllowPolling ? EngineTransports.Polling : EngineTransports.None) |
                (_config.AllowWebSocket ? EngineTransports.WebSocket : EngineTransports.None);
            o.ConnectionStateRecovery = _config.Recovery ? new ConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromMinutes(1) } : null;
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.MapSocketIO("/socket.io", Configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
        _app = app;
    }

    private void Configure(SocketIOServer io)
    {
        io.OnConnection(socket =>
        {
            socket.Emit("welcome", new { id = socket.Id, recovered = socket.Recovered, auth = socket.Handshake.Auth });
            socket.On("echo", e => socket.Emit("echo-back", e.Arguments.ToRawArray()));
            socket.On("ack", e => e.Ack(e.Arguments.ToRawArray()));
            socket.On("binary-reverse", e => e.Ack(e.GetArgument<byte[]>(0)!.Reverse().ToArray()));
            socket.On("ask", async e =>
            {
                string? answer;
                try
                {
                    answer = await socket.EmitWithAckAsync<string>("question", [e.GetArgument<string>(0)], TimeSpan.FromSeconds(5));
                }
                catch (Exception)
                {
                    answer = "no answer";
                }

                socket.Emit("answer", answer);
            });
            socket.On("server-disconnect", _ => socket.Disconnect());
            socket.On("drop-transport", _ => DropTransport(io, socket));
            socket.On("stream", e =>
            {
                var request = e.GetArgument<StreamRequest>(0)!;
                var id = socket.Id;
                _ = Task.Run(async () =>
                {
                    for (var i = 0; i < request.Count; i++)
                    {
                        await Task.Delay(request.IntervalMs);
                        if (i == request.DropAt)
                        {
                            DropTransport(io, socket);
                        }
                        else if (request.DropEvery > 0 && i > request.DropAt && i % request.DropEvery == 0 &&
                            io.Sockets.Sockets.TryGetValue(id, out var current))
                        {
                            // The socket of the same id now (a recovered session is a new socket object).
                            DropTransport(io, current);
                        }

                        // To the socket's own room, as Node's socket.emit does with recovery on: the emits made while
                        // the client is away are kept for its session. (Our SocketIOSocket.Emit drops them once the
                        // socket object is disconnected, unlike Node's: reported to the server's owners.)
                        await io.To(id).EmitAsync("tick", i);
                    }
                });
            });
            socket.On("count", e =>
            {
                var list = _received.GetOrAdd(e.GetArgument<string>(0)!, _ => []);
                lock (list)
                {
                    list.Add(e.GetArgument<long>(1));
                }
            });
            socket.On("report", e =>
            {
                var prefix = e.GetArgument<string>(0)!;
                int emitters = 0, total = 0, duplicates = 0, outOfOrder = 0;
                foreach (var (emitter, list) in _received)
                {
                    if (!emitter.StartsWith(prefix, StringComparison.Ordinal) || !_received.TryRemove(emitter, out _))
                    {
                        continue;
                    }

                    emitters++;
                    lock (list)
                    {
                        total += list.Count;
                        duplicates += list.Count - list.Distinct().Count();
                        for (var i = 1; i < list.Count; i++)
                        {
                            outOfOrder += list[i] <= list[i - 1] ? 1 : 0;
                        }
                    }
                }

                e.Ack(new { emitters, total, duplicates, outOfOrder });
            });
            socket.On("flaky", e =>
            {
                var seen = _flaky.AddOrUpdate(e.GetArgument<string>(0)!, 1, (_, n) => n + 1);
                if (seen >= 2)
                {
                    e.Ack(seen);
                }
            });
            socket.On("sink", _ => { });
            socket.On("sink-ack", e => e.Ack());
        });
        io.Of("/admin").OnConnection(socket =>
        {
            socket.Emit("admin-welcome", socket.Namespace.Name);
            socket.On("whoami", e => e.Ack(socket.Namespace.Name, socket.Id));
        });
        io.Of("/secure")
            .Use(socket =>
            {
                var auth = socket.Handshake.GetAuth<Dictionary<string, object?>>();
                if (auth is null || !auth.TryGetValue("token", out var token) || token?.ToString() != "secret")
                {
                    throw new SocketConnectException("not authorized", new { reason = "bad token", code = 42 });
                }

                return ValueTask.CompletedTask;
            })
            .OnConnection(socket => socket.Emit("secure-welcome", socket.Handshake.GetAuth<Dictionary<string, object?>>()!["token"]?.ToString()));
    }

    /// <summary>Closes the socket's Engine.IO connection from the server side, as Node's <c>socket.conn.close()</c>.</summary>
    private static void DropTransport(SocketIOServer io, SocketIOSocket socket)
    {
        if (io.Engine!.TryGetConnection(socket.ConnectionId, out var connection))
        {
            connection.Close(EngineCloseReasons.ForcedClose);
        }
    }

    private sealed record StreamRequest(int Count, int DropAt, int IntervalMs, int DropEvery = 0);
}
