using System.Collections.Concurrent;
using SocketIOClient;
using SocketIOClient.Transport;

namespace TypedSockets.Server.Tests.Independent;

/// <summary>
/// An independent Socket.IO client implementation (NuGet SocketIOClient 3.0.6, not written by us nor by the
/// Socket.IO authors) against our server, over each transport.
/// </summary>
public sealed class SocketIOClientInteropTests(IndependentClientHost host) : IClassFixture<IndependentClientHost>
{
    public static readonly TheoryData<string> Transports = new() { "websocket", "polling" };

    private async Task<SocketIOClient.SocketIO> ConnectAsync(string transport, string nsp = "", object? auth = null, Action<SocketIOClient.SocketIO>? beforeConnect = null)
    {
        var client = new SocketIOClient.SocketIO(new Uri(host.Address, nsp), new SocketIOOptions
        {
            EIO = 4,
            Transport = transport == "websocket" ? TransportProtocol.WebSocket : TransportProtocol.Polling,
            AutoUpgrade = false,
            Reconnection = false,
            ConnectionTimeout = TimeSpan.FromSeconds(5),
            Auth = auth,
        });
        beforeConnect?.Invoke(client);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnConnected += (_, _) => connected.TrySetResult();
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(client.Connected);
        return client;
    }

    private static Task<SocketIOResponse> NextAsync(SocketIOClient.SocketIO client, string eventName)
    {
        var tcs = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On(eventName, r => tcs.TrySetResult(r));
        return tcs.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ConnectsWithAuthAndReceivesTheServersEvent(string transport)
    {
        Task<SocketIOResponse>? hello = null;
        using var client = await ConnectAsync(transport, auth: new { token = "abc" }, beforeConnect: c => hello = NextAsync(c, "hello"));
        var response = await hello!;
        Assert.Equal("abc", response.GetValue(0).GetProperty("token").GetString());
        Assert.False(string.IsNullOrEmpty(client.Id));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task EventsAndAcksTravelBothWays(string transport)
    {
        using var client = await ConnectAsync(transport);
        var echoed = NextAsync(client, "echo-back");
        await client.EmitAsync("echo", 1, "two", new { three = true });
        var echo = await echoed;
        Assert.Equal(1, echo.GetValue<int>(0));
        Assert.Equal("two", echo.GetValue<string>(1));
        Assert.True(echo.GetValue(2).GetProperty("three").GetBoolean());

        var acked = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("ack", r => acked.TrySetResult(r), "x", 42);
        var ack = await acked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("x", ack.GetValue<string>(0));
        Assert.Equal(42, ack.GetValue<int>(1));

        client.On("question", r => r.CallbackAsync("answer to " + r.GetValue<string>(0)));
        var answered = NextAsync(client, "answer");
        await client.EmitAsync("ask", "life");
        Assert.Equal("answer to life", (await answered).GetValue<string>(0));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BinaryTravelsBothWays(string transport)
    {
        using var client = await ConnectAsync(transport);
        var acked = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("reverse", r => acked.TrySetResult(r), new byte[] { 1, 2, 3, 250 });
        var response = await acked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new byte[] { 250, 3, 2, 1 }, response.GetValue<byte[]>(0));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task JoinsACustomNamespace(string transport)
    {
        Task<SocketIOResponse>? hello = null;
        using var client = await ConnectAsync(transport, "/admin", beforeConnect: c => hello = NextAsync(c, "hello-admin"));
        Assert.Equal("/admin", (await hello!).GetValue<string>(0));
    }

    [Fact]
    public async Task RoomsReachOnlyTheirMembers()
    {
        var clients = new List<SocketIOClient.SocketIO>();
        try
        {
            var received = new ConcurrentBag<int>();
            for (var i = 0; i < 4; i++)
            {
                var client = await ConnectAsync(i % 2 == 0 ? "websocket" : "polling");
                var index = i;
                client.On("shouted", _ => received.Add(index));
                clients.Add(client);
                if (i < 3)
                {
                    var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    await client.EmitAsync("join", _ => joined.TrySetResult(), "room");
                    await joined.Task.WaitAsync(TimeSpan.FromSeconds(10));
                }
            }

            await clients[0].EmitAsync("shout", "room", "hey");
            await Eventually.TrueAsync(() => received.Count >= 2, "the two other room members got the shout");

            // Sentinel instead of a sleep: an ack round trip on every client; a wrong "shouted" would have come first.
            foreach (var client in clients)
            {
                var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await client.EmitAsync("ack", _ => answered.TrySetResult(), "sentinel");
                await answered.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }

            Assert.Equal([1, 2], received.Order());
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
    }
}
