using System.Globalization;
using System.Text.Json;
using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using TypedSockets.Server.AdminUI;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// The Admin UI instrumentation driven as the Admin UI 0.5.1 drives a Node server: the npm socket.io-client connects to
/// "/admin" with the UI's auth payload, reads <c>session</c>, <c>config</c>, <c>server_stats</c>, <c>all_sockets</c> and the
/// live events, and sends the UI's commands; the checks follow the admin-ui's own server tests.
/// </summary>
public sealed class AdminUITests(ITestOutputHelper output)
{
    /// <summary>bcrypt hash of "changeit" made by the npm bcryptjs (what the Node instrument's users paste), cost 4 to keep logins quick.</summary>
    internal const string PasswordHash = "$2a$04$QQJauumKYOXRDz1GlYiN6OJ8vRw6q6Vvk39e5mb1Xg8bwkn.9MbB.";

    internal static readonly object AdminAuth = new { username = "admin", password = "changeit" };

    private static readonly string[] s_allFeatures = ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"];

    private static void Basic(AdminUIOptions o) => o.Authentication = AdminUIAuthentication.Basic("admin", PasswordHash);

    [Fact]
    public async Task AddAdminUIRefusesToStartWithoutAnAuthenticationChoice()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(_ => { }));
        Assert.Contains("AdminUIAuthentication.None", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("changeit")]
    [InlineData("$2a$04$short")]
    [InlineData("$2a$99$QQJauumKYOXRDz1GlYiN6OJ8vRw6q6Vvk39e5mb1Xg8bwkn.9MbB.")]
    public void BasicAuthenticationTakesOnlyABcryptHash(string notAHash)
    {
        var error = Assert.Throws<ArgumentException>(() => AdminUIAuthentication.Basic("admin", notAHash));
        Assert.Contains("bcrypt hash", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{"username":"admin"}""")]
    [InlineData("""{"username":"admin","password":"wrong"}""")]
    [InlineData("""{"username":"root","password":"changeit"}""")]
    [InlineData("""{"username":"admin","password":42}""")]
    [InlineData("""{"sessionId":"0123456789abcdef"}""")]
    public async Task LoginWithoutTheRightCredentialsIsRefused(string? auth)
    {
        await using var server = await StartAsync(Basic);
        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, auth: auth is null ? null : JsonDocument.Parse(auth).RootElement, nsp: "/admin");

        var error = await admin.WaitForAsync("connect_error", "c0");
        Assert.Equal("invalid credentials", error.String("message"));
        Assert.DoesNotContain(admin.Observations, o => o.Type == "event");
    }

    [Fact]
    public async Task LoginGivesASessionThenTheConfigAndTheSessionLogsInAgain()
    {
        await using var server = await StartAsync(Basic);
        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, auth: AdminAuth, nsp: "/admin");

        await admin.WaitForAsync("connect", "c0");
        var session = (await admin.WaitForAsync("event", "c0", "session")).Arg(0).GetString()!;
        Assert.Matches("^[0-9a-f]{16}$", session);
        var config = await admin.WaitForAsync("event", "c0", "config");
        Assert.Equal(s_allFeatures, Features(config));
        var session0 = admin.Observations.First(o => o.Is("event", "c0", "session"));
        Assert.True(session0.Index < config.Index, "session comes before config");

        // The UI reconnects with the session id instead of the password.
        await using var again = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, auth: new { sessionId = session }, nsp: "/admin");
        await again.WaitForAsync("connect", "c0");
        await again.WaitForAsync("event", "c0", "config");
        Assert.DoesNotContain(again.Observations, o => o.Is("event", "c0", "session"));
    }

    [Fact]
    public async Task CustomNamespaceNameAndA2bHashFromTheAdminUIsOwnTests()
    {
        // The hash of "changeit" the admin-ui's server tests use ($2b$, cost 10).
        await using var server = await StartAsync(o =>
        {
            o.Authentication = AdminUIAuthentication.Basic("admin", "$2b$10$nu1FHRkuxkZkqID.31gz4uQsyERZAn.m4IIruysTsHDODBtrqS5Me");
            o.NamespaceName = "/custom";
        });
        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, auth: AdminAuth, nsp: "/custom");

        await admin.WaitForAsync("connect", "c0");
        await admin.WaitForAsync("event", "c0", "config");
        Assert.DoesNotContain(server.Io.Namespaces, n => n.Name == "/admin");
    }

    [Fact]
    public async Task AuthenticationNoneLetsTheUIInWithoutCredentials()
    {
        await using var server = await StartAsync(o => o.Authentication = AdminUIAuthentication.None);
        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, nsp: "/admin");

        await admin.WaitForAsync("connect", "c0");
        Assert.Equal(s_allFeatures, Features(await admin.WaitForAsync("event", "c0", "config")));
        Assert.DoesNotContain(admin.Observations, o => o.Is("event", "c0", "session"));
    }

    [Fact]
    public async Task ServerStatsCarryTheServerItsClientsNamespacesAndAggregatedEvents()
    {
        await using var server = await StartAsync(o =>
        {
            Basic(o);
            o.ServerId = "node-under-test";
        });
        await using var app = await NodeClient.StartAsync("single", server.Url, ClientTransport.Polling, output);
        await app.WaitForAsync("connect", "c0");
        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output, auth: AdminAuth, nsp: "/admin");

        // Stats come every 2 s; wait for one that already counts both clients.
        var stats = (await admin.WaitForAsync(
            o => o.Is("event", "c0", "server_stats") && o.Arg(0).GetProperty("clientsCount").GetInt32() == 2,
            "server_stats counting both clients", TimeSpan.FromSeconds(20))).Arg(0);
        Assert.Equal("node-under-test", stats.GetProperty("serverId").GetString());
        Assert.Equal(System.Net.Dns.GetHostName(), stats.GetProperty("hostname").GetString());
        Assert.Equal(Environment.ProcessId, stats.GetProperty("pid").GetInt32());
        Assert.True(stats.GetProperty("uptime").GetDouble() > 0);
        Assert.Equal(1, stats.GetProperty("pollingClientsCount").GetInt32());
        var namespaces = stats.GetProperty("namespaces").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("socketsCount").GetInt32());
        Assert.Equal(1, namespaces["/"]);
        Assert.Equal(1, namespaces["/admin"]);

        // Aggregated events: {timestamp (whole second, ms), type, subType?, count}, drained at every tick.
        await admin.WaitForAsync(
            o => o.Is("event", "c0", "server_stats") && o.Arg(0).GetProperty("aggregatedEvents").EnumerateArray().Any(e => e.GetProperty("type").GetString() == "packetsOut"),
            "server_stats with packetsOut", TimeSpan.FromSeconds(20));
        List<JsonElement> events = [.. admin.Observations.Where(o => o.Is("event", "c0", "server_stats")).SelectMany(o => o.Arg(0).GetProperty("aggregatedEvents").EnumerateArray())];
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "rawConnection");
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "bytesOut" && e.GetProperty("count").GetInt64() > 0);
        Assert.All(events, e => Assert.Equal(0, e.GetProperty("timestamp").GetInt64() % 1000));
    }

    [Fact]
    public async Task AllSocketsListsTheSocketsOfEveryNamespaceWithRoomsDataAndHandshake()
    {
        await using var server = await StartAsync(Basic, io =>
        {
            io.OnConnection(async socket =>
            {
                socket.Data["user"] = "ann";
                await socket.JoinAsync("lobby");
                socket.Emit("ready");
            });
            io.Of("/chat").OnConnection(socket => socket.Emit("ready"));
        });
        await using var main = await NodeClient.StartAsync("single", server.Url, ClientTransport.Polling, output, options: new { query = new { room = "7" } }, auth: new { token = "t0ken" });
        await using var chat = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output, nsp: "/chat");
        var mainId = (await main.WaitForAsync("connect", "c0")).String("id")!;
        var chatId = (await chat.WaitForAsync("connect", "c0")).String("id")!;
        await main.WaitForAsync("event", "c0", "ready");
        await chat.WaitForAsync("event", "c0", "ready");

        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, auth: AdminAuth, nsp: "/admin");
        var all = (await admin.WaitForAsync("event", "c0", "all_sockets")).Arg(0).EnumerateArray().ToList();

        var m = Assert.Single(all, s => s.GetProperty("id").GetString() == mainId);
        Assert.Equal("/", m.GetProperty("nsp").GetString());
        Assert.Equal("polling", m.GetProperty("transport").GetString());
        Assert.Equal(12, m.GetProperty("clientId").GetString()!.Length);
        Assert.Equal(new[] { mainId, "lobby" }.Order(StringComparer.Ordinal), m.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal("""{"user":"ann"}""", m.GetProperty("data").GetRawText());
        var handshake = m.GetProperty("handshake");
        Assert.Equal("127.0.0.1", handshake.GetProperty("address").GetString());
        Assert.Equal("7", handshake.GetProperty("query").GetProperty("room").GetString());
        Assert.True(handshake.GetProperty("headers").TryGetProperty("host", out _));
        Assert.True(handshake.GetProperty("issued").GetInt64() > 0);
        Assert.StartsWith("/socket.io/", handshake.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.False(handshake.TryGetProperty("auth", out _), "the auth payload (passwords, tokens) is never shown");

        var c = Assert.Single(all, s => s.GetProperty("id").GetString() == chatId);
        Assert.Equal("/chat", c.GetProperty("nsp").GetString());
        Assert.Equal("websocket", c.GetProperty("transport").GetString());
        Assert.Equal(new[] { chatId }, c.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()!).ToArray());

        // The admin socket itself is listed too (as the Node instrument lists it), its auth payload not.
        var self = Assert.Single(all, s => s.GetProperty("nsp").GetString() == "/admin");
        Assert.DoesNotContain("changeit", self.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SocketAndRoomAndEventNotificationsArriveLive()
    {
        await using var server = await StartAsync(Basic, io => io.OnConnection(socket =>
        {
            socket.On("hello", async e =>
            {
                await socket.JoinAsync("lobby");
                socket.Emit("welcome", e.GetArgument<int>(0) + 1);
            });
            socket.On("bye", async _ => await socket.LeaveAsync("lobby"));
        }));
        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, auth: AdminAuth, nsp: "/admin");
        await admin.WaitForAsync("event", "c0", "config");

        await using var app = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output);
        var id = (await app.WaitForAsync("connect", "c0")).String("id")!;
        var connected = await admin.WaitForAsync(o => o.Is("event", "c0", "socket_connected") && o.Arg(0).GetProperty("id").GetString() == id, "socket_connected");
        Assert.Equal("/", connected.Arg(0).GetProperty("nsp").GetString());
        Assert.Equal("websocket", connected.Arg(0).GetProperty("transport").GetString());
        AssertDate(connected.Arg(1));

        await app.EmitAsync("c0", "hello", 41);
        await app.WaitForAsync("event", "c0", "welcome");
        var joined = await admin.WaitForAsync(o => o.Is("event", "c0", "room_joined") && o.Arg(1).GetString() == "lobby", "room_joined lobby");
        Assert.Equal("/", joined.Arg(0).GetString());
        Assert.Equal(id, joined.Arg(2).GetString());
        AssertDate(joined.Arg(3));

        var received = await admin.WaitForAsync("event", "c0", "event_received");
        Assert.Equal("/", received.Arg(0).GetString());
        Assert.Equal(id, received.Arg(1).GetString());
        Assert.Equal("""["hello",41]""", received.Arg(2).GetRawText());
        AssertDate(received.Arg(3));
        var sent = await admin.WaitForAsync("event", "c0", "event_sent");
        Assert.Equal(id, sent.Arg(1).GetString());
        Assert.Equal("""["welcome",42]""", sent.Arg(2).GetRawText());

        await app.EmitAsync("c0", "bye");
        var left = await admin.WaitForAsync(o => o.Is("event", "c0", "room_left") && o.Arg(1).GetString() == "lobby", "room_left lobby");
        Assert.Equal(id, left.Arg(2).GetString());

        await app.DisconnectAsync("c0");
        var gone = await admin.WaitForAsync(o => o.Is("event", "c0", "socket_disconnected") && o.Arg(1).GetString() == id, "socket_disconnected");
        Assert.Equal("/", gone.Arg(0).GetString());
        Assert.Equal("client namespace disconnect", gone.Arg(2).GetString());
        AssertDate(gone.Arg(3));
    }

    [Fact]
    public async Task TransportUpgradeIsReportedAsSocketUpdated()
    {
        await using var server = await StartAsync(Basic);
        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output, auth: AdminAuth, nsp: "/admin");
        await admin.WaitForAsync("event", "c0", "config");

        await using var app = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output);
        var id = (await app.WaitForAsync("connect", "c0")).String("id")!;
        await app.WaitForAsync("upgrade", "c0");
        var updated = await admin.WaitForAsync(o => o.Is("event", "c0", "socket_updated") && o.Arg(0).GetProperty("id").GetString() == id, "socket_updated");
        Assert.Equal("/", updated.Arg(0).GetProperty("nsp").GetString());
        Assert.Equal("websocket", updated.Arg(0).GetProperty("transport").GetString());
    }

    [Fact]
    public async Task CommandsEmitJoinLeaveAndDisconnectActOnOurSockets()
    {
        await using var server = await StartAsync(Basic, io => io.Of("/chat"));
        await using var app = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output, nsp: "/chat");
        var id = (await app.WaitForAsync("connect", "c0")).String("id")!;
        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, auth: AdminAuth, nsp: "/admin");
        await admin.WaitForAsync("event", "c0", "config");
        var socket = server.Io.Of("/chat").Sockets[id];

        // emit(nsp, filter, ev, ...args): to one socket (its id is a room), then to the whole namespace.
        await admin.EmitAsync("c0", "emit", "/chat", id, "notice", "hi", new { n = 1 });
        var notice = await app.WaitForAsync("event", "c0", "notice");
        Assert.Equal("""["hi",{"n":1}]""", notice.Args.GetRawText());
        await admin.EmitAsync("c0", "emit", "/chat", null, "broadcast");
        await app.WaitForAsync("event", "c0", "broadcast");

        // join(nsp, room, filter) / leave(nsp, room, filter)
        await admin.EmitAsync("c0", "join", "/chat", "vip", id);
        await admin.WaitForAsync(o => o.Is("event", "c0", "room_joined") && o.Arg(1).GetString() == "vip", "room_joined vip");
        Assert.Contains("vip", socket.Rooms);
        await admin.EmitAsync("c0", "leave", "/chat", "vip", id);
        await admin.WaitForAsync(o => o.Is("event", "c0", "room_left") && o.Arg(1).GetString() == "vip", "room_left vip");
        Assert.DoesNotContain("vip", socket.Rooms);

        // Bad input is ignored, never thrown at the admin socket: unknown namespace (not created), missing arguments.
        await admin.EmitAsync("c0", "join", "/nowhere", "vip");
        await admin.EmitAsync("c0", "emit", "/chat");
        await admin.EmitAsync("c0", "leave");

        // _disconnect(nsp, close, filter)
        await admin.EmitAsync("c0", "_disconnect", "/chat", false, id);
        var disconnect = await app.WaitForAsync("disconnect", "c0");
        Assert.Equal("io server disconnect", disconnect.String("reason"));
        Assert.DoesNotContain(server.Io.Namespaces, n => n.Name == "/nowhere");
        Assert.DoesNotContain(admin.Observations, o => o.Is("disconnect", "c0"));
    }

    [Fact]
    public async Task ReadOnlyModeOffersNoCommandsAndIgnoresThem()
    {
        await using var server = await StartAsync(o =>
        {
            Basic(o);
            o.ReadOnly = true;
        }, io => io.OnConnection(socket => socket.On("ping-me", _ => socket.Emit("pong-you"))));
        await using var app = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output);
        var id = (await app.WaitForAsync("connect", "c0")).String("id")!;
        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, auth: AdminAuth, nsp: "/admin");

        Assert.Equal(["AGGREGATED_EVENTS", "ALL_EVENTS"], Features(await admin.WaitForAsync("event", "c0", "config")));
        await admin.EmitAsync("c0", "emit", "/", id, "notice", "hi");
        await admin.EmitAsync("c0", "join", "/", "vip", id);
        await admin.EmitAsync("c0", "_disconnect", "/", true, id);

        // Nothing shows that an ignored command was ignored: a later round trip of the app socket, reported to the admin
        // client, gives the commands sent before it the time to act, and none did.
        await app.EmitAsync("c0", "ping-me");
        await app.WaitForAsync("event", "c0", "pong-you");
        await admin.WaitForAsync(o => o.Is("event", "c0", "event_sent") && o.Arg(2)[0].GetString() == "pong-you", "event_sent pong-you");
        Assert.DoesNotContain(app.Observations, o => o.Is("event", "c0", "notice") || o.Is("disconnect", "c0"));
        Assert.DoesNotContain("vip", server.Io.Sockets.Sockets[id].Rooms);
    }

    [Fact]
    public async Task ProductionModeSendsStatsButNoSocketListNorPerSocketEvents()
    {
        await using var server = await StartAsync(o =>
        {
            Basic(o);
            o.Mode = AdminUIMode.Production;
        }, io => io.OnConnection(socket => socket.On("hello", _ => socket.Emit("welcome"))));
        await using var admin = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, auth: AdminAuth, nsp: "/admin");
        Assert.Equal(["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS"], Features(await admin.WaitForAsync("event", "c0", "config")));
        var firstStats = await admin.WaitForAsync("event", "c0", "server_stats", TimeSpan.FromSeconds(20));

        await using var app = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output);
        var id = (await app.WaitForAsync("connect", "c0")).String("id")!;
        await app.EmitAsync("c0", "hello");
        await app.WaitForAsync("event", "c0", "welcome");
        await app.DisconnectAsync("c0");

        // A statistics tick after all that: it counts the app's traffic, and nothing per socket came before it.
        await admin.WaitForAsync(
            o => o.Is("event", "c0", "server_stats") && o.Index > firstStats.Index &&
                 o.Arg(0).GetProperty("aggregatedEvents").EnumerateArray().Any(e => e.GetProperty("type").GetString() == "rawDisconnection"),
            "server_stats after the app socket left", TimeSpan.FromSeconds(20));
        Assert.DoesNotContain(admin.Observations, o => o.Type == "event" && o.Event is not ("session" or "config" or "server_stats"));
        Assert.False(server.Io.Sockets.Sockets.ContainsKey(id));
    }

    private static string[] Features(ClientObservation config) =>
        [.. config.Arg(0).GetProperty("supportedFeatures").EnumerateArray().Select(f => f.GetString()!)];

    /// <summary>The UI's timestamps are JavaScript dates as JSON writes them (ISO 8601, UTC, milliseconds).</summary>
    private static void AssertDate(JsonElement value)
    {
        var text = value.GetString()!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", text);
        Assert.True(DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _));
    }

    private Task<InteropServer> StartAsync(Action<AdminUIOptions> adminUI, Action<SocketIOServer>? configure = null) =>
        InteropServer.StartAsync(io =>
        {
            configure?.Invoke(io);
            io.AddAdminUI(adminUI);
        }, output);
}
