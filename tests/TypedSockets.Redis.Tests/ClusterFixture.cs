using System.Text.Json;

namespace TypedSockets.Redis.Tests;

/// <summary>
/// A mixed cluster on one real redis-server: two .NET nodes (A, B) in this process and one Node.js socket.io node (N),
/// with a socket.io-client client on each: a1 on A and n1 on N in room "r1", b1 on B in room "r2".
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    protected ClusterFixture(string adapter, bool recovery)
    {
        Adapter = adapter;
        Recovery = recovery;
    }

    public string Adapter { get; }

    public bool Recovery { get; }

    public RedisServer Redis { get; private set; } = null!;

    public DotNetNode A { get; private set; } = null!;

    public DotNetNode B { get; private set; } = null!;

    /// <summary>The Node.js server node.</summary>
    public NodePeer N { get; private set; } = null!;

    public string NUrl { get; private set; } = null!;

    /// <summary>The Node.js process holding the clients.</summary>
    public NodePeer Clients { get; private set; } = null!;

    public string A1 { get; private set; } = null!;

    public string B1 { get; private set; } = null!;

    public string N1 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartNewAsync();
        var nodeStart = StartNodeAsync();
        A = await DotNetNode.StartAsync(Redis, Adapter, Recovery);
        B = await DotNetNode.StartAsync(Redis, Adapter, Recovery);
        await nodeStart;
        Clients = await NodePeer.StartAsync();
        A1 = await ConnectAsync("a1", A.UrlText, "r1");
        B1 = await ConnectAsync("b1", B.UrlText, "r2");
        N1 = await ConnectAsync("n1", NUrl, "r1");
        await WaitForMeshAsync(this);
    }

    private async Task StartNodeAsync()
    {
        N = await NodePeer.StartAsync();
        var started = await N.SendAsync("server.start", new { port = 0, adapter = Adapter == "redis-streams" ? "streams" : "redis", redis = Redis.Url, recovery = Recovery });
        NUrl = $"http://127.0.0.1:{started.GetProperty("port").GetInt32()}";
    }

    public async Task<string> ConnectAsync(string name, string url, params string[] rooms)
    {
        var result = await Clients.SendAsync("client.connect", new { name, url, auth = new { rooms } });
        return result.GetProperty("id").GetString()!;
    }

    /// <summary>
    /// Waits until every node's broadcasts reach the clients of the others (subscriptions and stream readers are
    /// asynchronous): probes from A and from N until all three clients have one.
    /// </summary>
    public static async Task WaitForMeshAsync(ClusterFixture cluster)
    {
        var probe = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                var ready = true;
                foreach (var client in new[] { "a1", "b1", "n1" })
                {
                    ready &= cluster.Clients.Received(client, "probe-a").Count > 0 && cluster.Clients.Received(client, "probe-n").Count > 0;
                }

                if (!ready)
                {
                    await cluster.A.Io.EmitAsync("probe-a", probe);
                    await cluster.N.SendAsync("server.emit", new { @event = "probe-n", args = new object[] { probe++ } });
                    await Task.Delay(100); // pacing of the probes, not a wait for an outcome
                }

                return ready;
            },
            () => "the cluster forms (every client gets the probes of A and N)\n" + cluster.N.StandardError);
    }

    public async Task DisposeAsync()
    {
        await Clients.DisposeAsync();
        await N.DisposeAsync();
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

public sealed class PubSubClusterFixture() : ClusterFixture("redis", recovery: false);

public sealed class StreamsClusterFixture() : ClusterFixture("redis-streams", recovery: true);

internal static class JsonAssert
{
    /// <summary>The arguments of a client event (without the recovery offset the streams cluster appends).</summary>
    public static JsonElement[] Args(JsonElement evt, int count) => evt.GetProperty("args").EnumerateArray().Take(count).ToArray();
}
