using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// Rooms and broadcasts across 12 npm clients (the "many" scenario: sockets c0..c11, each on its own connection).
/// On connection the server puts c&lt;i&gt; in "even" or "odd", and c0..c3 also in "low".
/// </summary>
public sealed class BroadcastTests(ITestOutputHelper output)
{
    private const int ClientCount = 12;

    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BroadcastsReachExactlyTheTargetedClientsOnce(string transport)
    {
        await using var fixture = await StartAsync(transport);
        var io = fixture.Server.Io;
        var sockets = fixture.Sockets;

        await io.To("even").EmitAsync("to-even", 1);
        await io.Except("even").EmitAsync("except-even", 2);
        await io.To("even").Except("low").EmitAsync("even-not-low", 3);
        await io.To("even", "low").EmitAsync("even-or-low", 4);
        await io.Except("odd", sockets["c0"].Id).EmitAsync("even-except-c0", 5);
        await sockets["c3"].Broadcast.EmitAsync("from-c3", 6);
        await sockets["c5"].To("odd").EmitAsync("c5-to-odd", 7);
        await io.To(sockets["c7"].Id).EmitAsync("to-c7-by-id", 8);
        await io.To("nobody-here").EmitAsync("to-empty-room", 9);
        await io.EmitAsync("end");

        await fixture.Client.WaitForCountAsync(o => o.Is("event", eventName: "end"), ClientCount, "'end' on every client");

        var expected = new Dictionary<string, Func<int, bool>>
        {
            ["to-even"] = i => i % 2 == 0,
            ["except-even"] = i => i % 2 == 1,
            ["even-not-low"] = i => i % 2 == 0 && i >= 4,
            ["even-or-low"] = i => i % 2 == 0 || i < 4,
            ["even-except-c0"] = i => i % 2 == 0 && i != 0,
            ["from-c3"] = i => i != 3,
            ["c5-to-odd"] = i => i % 2 == 1 && i != 5,
            ["to-c7-by-id"] = i => i == 7,
            ["to-empty-room"] = _ => false,
        };
        var observations = fixture.Client.Observations;
        foreach (var (eventName, targeted) in expected)
        {
            for (var i = 0; i < ClientCount; i++)
            {
                var count = observations.Count(o => o.Is("event", $"c{i}", eventName));
                Assert.True(count == (targeted(i) ? 1 : 0), $"c{i} received '{eventName}' {count} time(s).{Environment.NewLine}{fixture.Client.Describe()}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BroadcastWithAckCollectsTheReplyOfEveryTargetedClient(string transport)
    {
        await using var fixture = await StartAsync(transport);
        var io = fixture.Server.Io;

        var all = await io.Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("poll", "question", 1);
        Assert.True(all.IsComplete, $"{all.Responses.Count}/{all.ExpectedCount} replies");
        Assert.Equal(ClientCount, all.ExpectedCount);
        var replies = all.Values<NodeReply>();
        Assert.Equal(Enumerable.Range(0, ClientCount).Select(i => $"c{i}").Order(), replies.Select(r => r!.Client).Order());
        Assert.All(replies, r => Assert.Equal("poll", r!.Event));

        var odd = await io.To("odd").Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("poll-odd");
        Assert.True(odd.IsComplete, $"{odd.Responses.Count}/{odd.ExpectedCount} replies");
        Assert.Equal(["c1", "c11", "c3", "c5", "c7", "c9"], odd.Values<NodeReply>().Select(r => r!.Client).Order(StringComparer.Ordinal));

        var fromSocket = await fixture.Sockets["c2"].Broadcast.Except("odd").Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("poll-even-but-c2");
        Assert.True(fromSocket.IsComplete);
        Assert.Equal(["c0", "c10", "c4", "c6", "c8"], fromSocket.Values<NodeReply>().Select(r => r!.Client).Order(StringComparer.Ordinal));

        var none = await io.To("nobody-here").Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("poll-nobody");
        Assert.Equal(0, none.ExpectedCount);
        Assert.Empty(none.Responses);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerSideRoomOperationsReachTheTargetedClients(string transport)
    {
        await using var fixture = await StartAsync(transport);
        var io = fixture.Server.Io;

        var fetched = await io.FetchSocketsAsync();
        Assert.Equal(fixture.Sockets.Values.Select(s => s.Id).Order(), fetched.Select(s => s.Id).Order());
        Assert.Equal(4, (await io.In("low").FetchSocketsAsync()).Count);

        // Make every "low" socket join "vip", then address "vip".
        await io.In("low").SocketsJoinAsync("vip");
        await io.To("vip").EmitAsync("to-vip");
        await io.In("vip").SocketsLeaveAsync("vip");
        await io.To("vip").EmitAsync("to-vip-after-leave");

        // Disconnect every odd socket from the server side: they see "io server disconnect" and stay away.
        await io.In("odd").DisconnectSocketsAsync();
        await io.EmitAsync("end");

        var client = fixture.Client;
        await client.WaitForCountAsync(o => o.Is("event", eventName: "end"), ClientCount / 2, "'end' on the even clients");
        var oddDisconnects = await client.WaitForCountAsync(o => o.Type == "disconnect", ClientCount / 2, "the odd clients' disconnects");
        Assert.All(oddDisconnects, o => Assert.Equal("io server disconnect", o.String("reason")));
        Assert.Equal(["c1", "c11", "c3", "c5", "c7", "c9"], oddDisconnects.Select(o => o.Client).Order(StringComparer.Ordinal));

        var observations = client.Observations;
        Assert.Equal(["c0", "c1", "c2", "c3"], observations.Where(o => o.Is("event", eventName: "to-vip")).Select(o => o.Client).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(observations, o => o.Is("event", eventName: "to-vip-after-leave"));
        Assert.DoesNotContain(observations, o => o.Is("event", eventName: "end") && int.Parse(o.Client![1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1);
        Assert.Equal(ClientCount / 2, (await io.FetchSocketsAsync()).Count);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ChatFanOutDeliversEveryMessageToEveryOtherClientInSenderOrder(string transport)
    {
        // Every client sends 20 messages at once; the server relays each with socket.Broadcast (all but the sender).
        const int perClient = 20;
        await using var fixture = await StartAsync(transport, relay: true);
        var client = fixture.Client;

        for (var m = 0; m < perClient; m++)
        {
            for (var i = 0; i < ClientCount; i++)
            {
                await client.EmitAsync($"c{i}", "chat", $"c{i}", m);
            }
        }

        var expected = (ClientCount - 1) * perClient;
        for (var i = 0; i < ClientCount; i++)
        {
            var name = $"c{i}";
            var messages = await client.WaitForCountAsync(o => o.Is("event", name, "chat"), expected, $"every relayed message on {name}", TimeSpan.FromSeconds(30));
            Assert.DoesNotContain(messages, o => o.Arg(0).GetString() == name);
            foreach (var sender in messages.GroupBy(o => o.Arg(0).GetString()))
            {
                Assert.Equal(Enumerable.Range(0, perClient), sender.Select(o => o.Arg(1).GetInt32()));
            }
        }

        await client.AssertNoneDuringAsync(o => o.Type == "disconnect", TimeSpan.FromMilliseconds(100), "disconnections");
        Assert.Equal(ClientCount * expected, client.Observations.Count(o => o.Is("event", eventName: "chat")));
    }

    private async Task<Fixture> StartAsync(string transport, bool relay = false)
    {
        var connected = new Recorder<(string Name, SocketIOSocket Socket)>();
        var server = await InteropServer.StartAsync(io => io.OnConnection(async socket =>
        {
            var name = socket.Handshake.GetAuth<NameAuth>()!.Name;
            var index = int.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture);
            await socket.JoinAsync(index % 2 == 0 ? "even" : "odd");
            if (index < 4)
            {
                await socket.JoinAsync("low");
            }

            if (relay)
            {
                socket.On("chat", e => e.Socket.Broadcast.Emit("chat", e.Arguments.ToRawArray()));
            }

            connected.Add((name, socket));
        }), output);
        var client = await NodeClient.StartAsync("many", server.Url, transport, output, count: ClientCount);
        try
        {
            var sockets = await connected.WaitForCountAsync(ClientCount, "every client's connection", timeout: TimeSpan.FromSeconds(20));
            await client.WaitForCountAsync(o => o.Type == "connect", ClientCount, "every client's connect", TimeSpan.FromSeconds(20));
            if (transport == ClientTransport.Default)
            {
                // Broadcast once every session has moved to WebSocket, and also check that the upgrade keeps the rooms.
                await client.WaitForCountAsync(o => o.Type == "upgrade", ClientCount, "every client's upgrade", TimeSpan.FromSeconds(20));
            }

            return new Fixture(server, client, sockets.ToDictionary(s => s.Name, s => s.Socket));
        }
        catch
        {
            await client.DisposeAsync();
            await server.DisposeAsync();
            throw;
        }
    }

    private sealed record NameAuth(string Name);

    private sealed record NodeReply(string Client, string Event);

    private sealed record Fixture(InteropServer Server, NodeClient Client, Dictionary<string, SocketIOSocket> Sockets) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
