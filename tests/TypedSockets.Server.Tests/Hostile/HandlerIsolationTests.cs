using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server.Tests.SocketIO;

namespace TypedSockets.Server.Tests.Hostile;

/// <summary>Tests that block thread-pool threads on purpose: they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HandlerIsolationCollection
{
    public const string Name = "Handler isolation (blocks threads)";
}

/// <summary>Issue 15, defect 7: handler work is bounded per connection and never starves the accept path.</summary>
[Collection(HandlerIsolationCollection.Name)]
public class HandlerIsolationTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ANewClientConnectsWhileAHundredClientsHandlersBlock()
    {
        using var gate = new ManualResetEventSlim();
        var entered = 0;
        var handled = 0;
        await using var app = await StartAsync(io => io.OnConnection(socket => socket.On("block", _ =>
        {
            Interlocked.Increment(ref entered);
            gate.Wait(); // what a handler must never do: block its thread
            Interlocked.Increment(ref handled);
            return ValueTask.CompletedTask;
        })));
        var url = Url(app);

        var clients = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                clients.Add(await JoinAsync(url));
            }

            foreach (var client in clients)
            {
                await SendAsync(client, "42[\"block\"]");
            }

            await SocketIOServerTests.WaitUntil(() => Volatile.Read(ref entered) > 0);

            // The handlers hold their threads until the gate opens; the new client must not wait for them.
            using var late = await JoinAsync(url).WaitAsync(Generous);
            Assert.Equal(0, Volatile.Read(ref handled));

            gate.Set();
            await SocketIOServerTests.WaitUntil(() => Volatile.Read(ref handled) == 100, (int)Generous.TotalMilliseconds);
        }
        finally
        {
            gate.Set();
            foreach (var client in clients)
            {
                client.Abort();
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task PastMaxPendingHandlersPerConnectionTheServerStopsReadingFromThatClient()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var maxRunning = 0;
        var handled = 0;
        await using var app = await StartAsync(
            io => io.OnConnection(socket => socket.On("work", async _ =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                await gate.Task;
                Interlocked.Decrement(ref running);
                Interlocked.Increment(ref handled);
            })),
            o => o.MaxPendingHandlersPerConnection = 4);

        using var client = await JoinAsync(Url(app));
        for (var i = 0; i < 10; i++)
        {
            await SendAsync(client, "42[\"work\"]");
        }

        await SocketIOServerTests.WaitUntil(() => Volatile.Read(ref running) == 4);
        gate.SetResult();
        await SocketIOServerTests.WaitUntil(() => Volatile.Read(ref handled) == 10);
        Assert.Equal(4, Volatile.Read(ref maxRunning));
    }

    [Fact]
    public async Task EventsThatWaitForAHandlerSlotRunInOrder()
    {
        using var gate = new ManualResetEventSlim();
        var order = new List<int>();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartAsync(
            io => io.OnConnection(socket =>
            {
                socket.On("block", _ =>
                {
                    blocked.TrySetResult();
                    gate.Wait();
                    return ValueTask.CompletedTask;
                });
                socket.On("n", e =>
                {
                    lock (order)
                    {
                        order.Add(e.GetArgument<int>(0));
                    }

                    return ValueTask.CompletedTask;
                });
            }),
            o => o.MaxConcurrentHandlers = 1);

        using var blocker = await JoinAsync(Url(app));
        await SendAsync(blocker, "42[\"block\"]");
        await blocked.Task.WaitAsync(Generous);

        using var client = await JoinAsync(Url(app));
        for (var i = 0; i < 20; i++)
        {
            await SendAsync(client, $"42[\"n\",{i}]");
        }

        gate.Set();
        await SocketIOServerTests.WaitUntil(() => { lock (order) { return order.Count == 20; } });
        Assert.Equal(Enumerable.Range(0, 20), order);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static async Task<WebApplication> StartAsync(Action<SocketIOServer> configure, Action<SocketIOServerOptions>? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTypedSockets();
        var app = builder.Build();
        app.MapSocketIO("/socket.io", configure, options);
        await app.StartAsync();
        return app;
    }

    private static Uri Url(WebApplication app)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new Uri($"ws://{address.Authority}/socket.io/?EIO=4&transport=websocket");
    }

    private static async Task<ClientWebSocket> JoinAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, CancellationToken.None);
        Assert.StartsWith("0{", await ReceiveAsync(socket));
        await SendAsync(socket, "40");
        Assert.StartsWith("40{\"sid\":", await ReceiveAsync(socket));
        return socket;
    }

    private static Task SendAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
            count += result.Count;
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(buffer, 0, count);
            }
        }
    }
}
