using System.Text.RegularExpressions;
using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// Namespaces multiplexed on one Manager (one Engine.IO connection): the "namespaces" scenario opens "main" on "/",
/// "admin" on "/admin" and "unknown" on "/unknown".
/// </summary>
public sealed class NamespaceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NamespacesShareOneConnectionAndKeepTheirEventsApart(string transport)
    {
        var connected = new Recorder<SocketIOSocket>();
        await using var server = await InteropServer.StartAsync(io =>
        {
            foreach (var name in new[] { "/", "/admin" })
            {
                io.Of(name).OnConnection(socket =>
                {
                    connected.Add(socket);
                    socket.Emit("welcome", socket.Namespace.Name);
                    socket.On("which", e => e.Ack(e.Socket.Namespace.Name, e.Socket.Id));
                });
            }
        }, output);
        await using var client = await NodeClient.StartAsync("namespaces", server.Url, transport, output);

        var sockets = await connected.WaitForCountAsync(2, "the connections to / and /admin");
        var main = sockets.Single(s => s.Namespace.Name == "/");
        var admin = sockets.Single(s => s.Namespace.Name == "/admin");
        Assert.Equal(main.ConnectionId, admin.ConnectionId);
        Assert.NotEqual(main.Id, admin.Id);

        Assert.Equal(main.Id, (await client.WaitForAsync("connect", "main")).String("id"));
        Assert.Equal(admin.Id, (await client.WaitForAsync("connect", "admin")).String("id"));
        Assert.Equal("/", (await client.WaitForAsync("event", "main", "welcome")).Arg(0).GetString());
        Assert.Equal("/admin", (await client.WaitForAsync("event", "admin", "welcome")).Arg(0).GetString());

        var fromAdmin = await client.EmitWithAckAsync("admin", "which", [], allArgs: true);
        Assert.Equal("/admin", fromAdmin.Arg(0).GetString());
        Assert.Equal(admin.Id, fromAdmin.Arg(1).GetString());
        var fromMain = await client.EmitWithAckAsync("main", "which", [], allArgs: true);
        Assert.Equal("/", fromMain.Arg(0).GetString());
        Assert.Equal(main.Id, fromMain.Arg(1).GetString());

        // One welcome per namespace, each delivered to its own socket only.
        Assert.Single(client.Observations, o => o.Is("event", eventName: "welcome") && o.Client == "main");
        Assert.Single(client.Observations, o => o.Is("event", eventName: "welcome") && o.Client == "admin");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task UnknownNamespaceIsRefusedWithInvalidNamespaceWhileTheOthersStayConnected(string transport)
    {
        await using var server = await InteropServer.StartAsync(io =>
        {
            io.Of("/").OnConnection(socket => socket.On("ping", e => e.Ack("pong /")));
            io.Of("/admin").OnConnection(socket => socket.On("ping", e => e.Ack("pong /admin")));
        }, output);
        await using var client = await NodeClient.StartAsync("namespaces", server.Url, transport, output);

        var error = await client.WaitForAsync("connect_error", "unknown");
        Assert.Equal("Invalid namespace", error.String("message"));
        await client.WaitForAsync("connect", "main");
        await client.WaitForAsync("connect", "admin");

        Assert.Equal("pong /", (await client.EmitWithAckAsync("main", "ping", [])).Arg(0).GetString());
        Assert.Equal("pong /admin", (await client.EmitWithAckAsync("admin", "ping", [])).Arg(0).GetString());
        Assert.DoesNotContain(client.Observations, o => o.Is("connect", "unknown") || o.Is("disconnect"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MiddlewareRefusingOneNamespaceLeavesTheOthersOnTheConnectionWorking(string transport)
    {
        await using var server = await InteropServer.StartAsync(io =>
        {
            io.Of("/").OnConnection(socket => socket.On("ping", e => e.Ack("pong")));
            io.Of("/admin").Use(_ => throw new SocketConnectException("admins only", new { required = "admin" }));
        }, output);
        await using var client = await NodeClient.StartAsync("namespaces", server.Url, transport, output);

        var error = await client.WaitForAsync("connect_error", "admin");
        Assert.Equal("admins only", error.String("message"));
        Assert.Equal("""{"required":"admin"}""", error.Json.GetProperty("data").GetRawText());
        await client.WaitForAsync("connect", "main");
        Assert.Equal("pong", (await client.EmitWithAckAsync("main", "ping", [])).Arg(0).GetString());
        Assert.DoesNotContain(client.Observations, o => o.Is("connect", "admin"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NamespaceCanBeLeftAndJoinedAgainOnTheSameConnection(string transport)
    {
        var connected = new Recorder<SocketIOSocket>();
        var reasons = new Recorder<string>();
        await using var server = await InteropServer.StartAsync(io =>
        {
            io.Of("/").OnConnection(socket => socket.On("which", e => e.Ack(e.Socket.Namespace.Name)));
            io.Of("/admin").OnConnection(socket =>
            {
                connected.Add(socket);
                socket.OnDisconnect(reasons.Add);
                socket.On("which", e => e.Ack(e.Socket.Namespace.Name));
            });
        }, output);
        await using var client = await NodeClient.StartAsync("namespaces", server.Url, transport, output);

        var first = await client.WaitForAsync("connect", "admin");
        await client.WaitForAsync("connect", "main");

        // Leave and rejoin right away: the server sees DISCONNECT then CONNECT for /admin on the same connection.
        await client.DisconnectAsync("admin");
        await client.ConnectAsync("admin");

        var again = (await client.WaitForCountAsync(o => o.Is("connect", "admin"), 2, "the second connect of admin"))[1];
        Assert.NotEqual(first.String("id"), again.String("id"));
        Assert.Equal(SocketDisconnectReasons.ClientNamespaceDisconnect, await reasons.WaitForAsync("the first admin socket's disconnect"));
        var sockets = await connected.WaitForCountAsync(2, "both admin sockets");
        Assert.Equal(sockets[0].ConnectionId, sockets[1].ConnectionId);
        Assert.Equal("/admin", (await client.EmitWithAckAsync("admin", "which", [])).Arg(0).GetString());
        Assert.Equal("/", (await client.EmitWithAckAsync("main", "which", [])).Arg(0).GetString());
        Assert.Single(server.Io.Of("/admin").Sockets);
        Assert.DoesNotContain(client.Observations, o => o.Is("disconnect", "main"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task DynamicNamespaceAcceptsMatchingNamesAndRefusesOthers(string transport)
    {
        await using var server = await InteropServer.StartAsync(io =>
            io.Of(new Regex("^/dyn-[0-9]+$")).OnConnection(socket => socket.Emit("where", socket.Namespace.Name, socket.Namespace.Parent is not null)), output);
        await using var matching = await NodeClient.StartAsync("single", server.Url, transport, output, nsp: "/dyn-42");
        await using var other = await NodeClient.StartAsync("single", server.Url, transport, output, nsp: "/dyn-x");

        var where = await matching.WaitForAsync("event", "c0", "where");
        Assert.Equal("/dyn-42", where.Arg(0).GetString());
        Assert.True(where.Arg(1).GetBoolean());
        Assert.Equal("Invalid namespace", (await other.WaitForAsync("connect_error", "c0")).String("message"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BinaryEventsAndAcksWorkInANonDefaultNamespace(string transport)
    {
        // Binary packets outside "/" carry the attachment count before the namespace: 52-/admin,[...] and 61-/admin,3[...].
        var received = new Recorder<byte[]>();
        var replies = new Recorder<byte[]>();
        await using var server = await InteropServer.StartAsync(io => io.Of("/admin").OnConnection(socket =>
        {
            socket.Emit("download", new byte[] { 1, 2, 3 });
            socket.On("upload", e => received.Add(e.GetArgument<byte[]>(0)!));
            socket.On("double", e => e.Ack(e.GetArgument<byte[]>(0)!.Select(b => (byte)(b * 2)).ToArray()));
            socket.On("ask", async e =>
            {
                var reply = await e.Socket.EmitWithAckAsync("question", [new byte[] { 7, 7 }], TimeSpan.FromSeconds(10));
                replies.Add(reply.Get<BinaryReply>(0)!.Args[0]);
            });
        }), output);
        await using var client = await NodeClient.StartAsync("namespaces", server.Url, transport, output);

        Assert.Equal([1, 2, 3], (await client.WaitForAsync("event", "admin", "download")).Arg(0).GetBinary());
        await client.EmitAsync("admin", "upload", NodeJson.Buffer([4, 5]));
        Assert.Equal([4, 5], await received.WaitForAsync("the upload on /admin"));
        Assert.Equal([2, 4, 6], (await client.EmitWithAckAsync("admin", "double", [NodeJson.Buffer([1, 2, 3])])).Arg(0).GetBinary());
        await client.EmitAsync("admin", "ask");
        Assert.Equal([7, 7], await replies.WaitForAsync("the binary ack on /admin"));
        Assert.DoesNotContain(client.Observations, o => o.Is("event", "main"));
    }

    private sealed record BinaryReply(string Client, string Event, byte[][] Args);
}
