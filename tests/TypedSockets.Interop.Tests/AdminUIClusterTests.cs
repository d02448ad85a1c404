using Microsoft.Extensions.DependencyInjection;
using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Redis;
using TypedSockets.Server;
using TypedSockets.Server.AdminUI;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// The Admin UI over a two-node cluster on a real redis-server: one UI client connected to node A sees both servers'
/// statistics, the sockets of both nodes, live events of node B, and its commands reach sockets on node B.
/// </summary>
public sealed class AdminUIClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OneAdminClientSeesAndControlsBothNodes()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");

        await using var onA = await NodeClient.StartAsync("single", a.Url, ClientTransport.WebSocket, output);
        await using var onB = await NodeClient.StartAsync("single", b.Url, ClientTransport.Polling, output);
        var a1 = (await onA.WaitForAsync("connect", "c0")).String("id")!;
        var b1 = (await onB.WaitForAsync("connect", "c0")).String("id")!;
        await onA.WaitForAsync("event", "c0", "ready");
        await onB.WaitForAsync("event", "c0", "ready");

        await using var admin = await NodeClient.StartAsync("single", a.Url, ClientTransport.WebSocket, output, auth: AdminUITests.AdminAuth, nsp: "/admin");
        await admin.WaitForAsync("connect", "c0");

        // The UI lists both servers: each one's server_stats reaches it through the adapter.
        foreach (var id in new[] { "node-a", "node-b" })
        {
            var stats = await admin.WaitForAsync(o => o.Is("event", "c0", "server_stats") && o.Arg(0).GetProperty("serverId").GetString() == id, "server_stats of " + id, TimeSpan.FromSeconds(20));
            var root = stats.Arg(0).GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "/");
            Assert.Equal(1, root.GetProperty("socketsCount").GetInt32());
        }

        // all_sockets spans the cluster (fetchSockets), with the other node's client id and transport carried in its data.
        var all = (await admin.WaitForAsync("event", "c0", "all_sockets")).Arg(0).EnumerateArray().ToList();
        var sa = Assert.Single(all, s => s.GetProperty("id").GetString() == a1);
        var sb = Assert.Single(all, s => s.GetProperty("id").GetString() == b1);
        Assert.Equal("websocket", sa.GetProperty("transport").GetString());
        Assert.Equal("polling", sb.GetProperty("transport").GetString());
        Assert.Equal(12, sb.GetProperty("clientId").GetString()!.Length);
        Assert.Contains("lobby", sb.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("""{"node":"node-b"}""", sb.GetProperty("data").GetRawText());

        // Live events of node B reach the UI on node A.
        await using var onB2 = await NodeClient.StartAsync("single", b.Url, ClientTransport.WebSocket, output);
        var b2 = (await onB2.WaitForAsync("connect", "c0")).String("id")!;
        await admin.WaitForAsync(o => o.Is("event", "c0", "socket_connected") && o.Arg(0).GetProperty("id").GetString() == b2, "socket_connected of the socket on node B");

        // Commands reach the other node's sockets.
        await admin.EmitAsync("c0", "emit", "/", b2, "notice", "from the UI");
        Assert.Equal("from the UI", (await onB2.WaitForAsync("event", "c0", "notice")).Arg(0).GetString());
        await admin.EmitAsync("c0", "_disconnect", "/", false, b1);
        var disconnect = await onB.WaitForAsync("disconnect", "c0");
        Assert.Equal("io server disconnect", disconnect.String("reason"));
        await admin.WaitForAsync(o => o.Is("event", "c0", "socket_disconnected") && o.Arg(1).GetString() == b1, "socket_disconnected of the socket on node B");
        Assert.DoesNotContain(onA.Observations, o => o.Is("disconnect", "c0"));
    }

    private async Task<InteropServer> StartNodeAsync(RedisProcess redis, string serverId)
    {
        var node = await InteropServer.StartAsync(
            io =>
            {
                io.OnConnection(async socket =>
                {
                    socket.Data["node"] = serverId;
                    await socket.JoinAsync("lobby");
                    socket.Emit("ready");
                });
                io.AddAdminUI(o =>
                {
                    o.Authentication = AdminUIAuthentication.Basic("admin", AdminUITests.PasswordHash);
                    o.ServerId = serverId;
                });
            },
            output,
            typedSockets: s => s.AddRedisAdapter(redis.ConnectionString));

        // Both namespaces listen to the cluster before clients come.
        await ((RedisAdapter)node.Io.Sockets.Adapter).Subscribed.WaitAsync(TimeSpan.FromSeconds(10));
        await ((RedisAdapter)node.Io.Of("/admin").Adapter).Subscribed.WaitAsync(TimeSpan.FromSeconds(10));
        return node;
    }
}
