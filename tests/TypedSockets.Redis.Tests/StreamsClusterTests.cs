using System.Text.Json;

namespace TypedSockets.Redis.Tests;

/// <summary>
/// The mixed cluster on the streams adapter (against @socket.io/redis-streams-adapter), with connection state recovery
/// on every node: a client whose transport drops while events are broadcast reconnects to another node and gets every
/// missed event, in order, once.
/// </summary>
public sealed class StreamsClusterTests(StreamsClusterFixture cluster) : ClusterTests<StreamsClusterFixture>(cluster), IClassFixture<StreamsClusterFixture>
{
    private NodePeer Clients => Cluster.Clients;

    [Theory]
    [InlineData("A", "B", "N")]
    [InlineData("N", "A", "B")]
    [InlineData("B", "N", "A")]
    public async Task ClientRecoversEveryMissedEventOnAnotherNode(string from, string to, string ticker)
    {
        const int Count = 40;
        var name = $"rec-{from}{to}";
        var tick = $"tick-{from}{to}";
        await Cluster.ConnectAsync(name, Url(from));
        var firstConnect = await Clients.WaitForAsync(e => e.GetProperty("event").GetString() == "connect" && e.GetProperty("name").GetString() == name, what: "first connect");
        var socketId = firstConnect[0].GetProperty("id").GetString();

        // Ticks are broadcast from a third node while the client moves.
        var ticking = Tick(ticker, tick, Count);
        await Clients.WaitForClientEventAsync(name, tick, 5);
        await Clients.SendAsync("client.moveTo", new { name, url = Url(to) });
        await ticking;

        await Clients.WaitForClientEventAsync(name, tick, Count, TimeSpan.FromSeconds(15));
        // Sentinel instead of a sleep: one more tick from the same node; a duplicate would arrive before it.
        await SendTickAsync(ticker, tick, Count + 1);
        await Clients.WaitForClientEventAsync(name, tick, Count + 1, TimeSpan.FromSeconds(15));
        var received = Clients.Received(name, tick);
        Assert.Equal(Enumerable.Range(1, Count + 1), received.Select(e => e.GetProperty("args")[0].GetInt32()));

        // The second CONNECT recovered the session: same socket id, reported recovered by the client.
        var connects = Clients.Events(e => e.GetProperty("event").GetString() == "connect" && e.GetProperty("name").GetString() == name);
        Assert.Equal(2, connects.Count);
        Assert.True(connects[1].GetProperty("recovered").GetBoolean());
        Assert.Equal(socketId, connects[1].GetProperty("id").GetString());

        // Every tick carried a stream offset as its last argument (an XADD entry id).
        Assert.All(received, e => Assert.Matches("^[0-9]+-[0-9]+$", e.GetProperty("args")[1].GetString()));
        await Clients.SendAsync("client.disconnect", new { name });
    }

    [Fact]
    public async Task RecoveredSocketKeepsItsRoomsAndDataOnTheOtherNode()
    {
        const string name = "rec-rooms";
        var id = await Cluster.ConnectAsync(name, Cluster.A.UrlText, "kept-room");

        // A client asks for recovery only once it holds an offset: the last argument of an event it received.
        await Cluster.A.Io.To(id).EmitAsync("hello");
        await Clients.WaitForClientEventAsync(name, "hello");
        await Clients.SendAsync("client.moveTo", new { name, url = Cluster.B.UrlText });
        await Clients.WaitForAsync(e => e.GetProperty("event").GetString() == "connect" && e.GetProperty("name").GetString() == name && e.GetProperty("recovered").GetBoolean(), what: "recovered connect");
        var socket = Assert.Single(await Cluster.B.Io.In("kept-room").FetchSocketsAsync());
        Assert.Equal(id, socket.Id);
        Assert.True(Cluster.B.Io.Sockets.Sockets[socket.Id].Recovered);
        Assert.Equal(Cluster.A.UrlText, Cluster.B.Io.Sockets.Sockets[socket.Id].Data["firstNode"]?.ToString());
        await Clients.SendAsync("client.disconnect", new { name });
    }

    private string Url(string node) => node switch
    {
        "A" => Cluster.A.UrlText,
        "B" => Cluster.B.UrlText,
        _ => Cluster.NUrl,
    };

    private async Task SendTickAsync(string node, string eventName, int value)
    {
        if (node == "N")
        {
            await Cluster.N.SendAsync("server.emit", new { @event = eventName, args = new object[] { value } });
            return;
        }

        await (node == "A" ? Cluster.A.Io : Cluster.B.Io).EmitAsync(eventName, value);
    }

    private async Task Tick(string node, string eventName, int count)
    {
        if (node == "N")
        {
            await Cluster.N.SendAsync("server.emitMany", new { @event = eventName, count, intervalMs = 25 }, TimeSpan.FromSeconds(20));
            return;
        }

        var io = node == "A" ? Cluster.A.Io : Cluster.B.Io;
        for (var i = 1; i <= count; i++)
        {
            await io.EmitAsync(eventName, i);
            await Task.Delay(25);
        }
    }
}
