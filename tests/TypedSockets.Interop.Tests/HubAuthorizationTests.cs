using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using TypedSockets.TestContracts;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// <c>[Authorize]</c> / <c>[AllowAnonymous]</c> on typed hubs against the npm socket.io-client: the hub's rule refuses the
/// namespace CONNECT (the client's <c>connect_error</c> has <c>message</c> and <c>data.code</c>), a method's rule refuses
/// the event (error answer, or dropped and counted), and the connection ends when the authentication expires.
/// The user comes from <see cref="QueryAuthenticationHandler"/> (the client's <c>query</c> option).
/// </summary>
public sealed class HubAuthorizationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Transports => ClientTransport.All;

    /// <summary>What the hubs saw (a singleton, so each test has its own).</summary>
    public sealed class Calls
    {
        internal Recorder<string> Items { get; } = new();
    }

    /// <summary>Records connects, disconnects and calls; the test hubs derive from it and add attributes.</summary>
    public abstract class RecordingHub(Calls calls) : SocketHub<IShapesServer, IShapesClient>, IShapesServer
    {
        public override ValueTask OnConnectedAsync()
        {
            calls.Items.Add("connected " + Socket.Handshake.User.Identity?.Name);
            return ValueTask.CompletedTask;
        }

        public override ValueTask OnDisconnectedAsync(string reason)
        {
            calls.Items.Add("disconnected " + reason);
            return ValueTask.CompletedTask;
        }

        public virtual void Note(string text) => calls.Items.Add("note " + text);

        public virtual Task Touch(int n, long big, double ratio, bool flag) => Task.CompletedTask;

        public virtual Task<int> Add(int a, int b)
        {
            calls.Items.Add("add");
            return Task.FromResult(a + b);
        }

        public virtual ValueTask<string> Echo(string text, CancellationToken cancellationToken) => ValueTask.FromResult(text);

        public virtual Task<byte[]> Reverse(byte[] data, ReadOnlyMemory<byte> suffix) => Task.FromResult(data);

        public virtual Task<Sample> Roundtrip(Sample value) => Task.FromResult(value);

        public virtual Task<bool> Slow(int delayMs, CancellationToken cancellationToken) => Task.FromResult(true);

        public virtual Task<int> Join(string room) => Task.FromResult(0);
    }

    public sealed class OpenHub(Calls calls) : RecordingHub(calls);

    [Authorize]
    public sealed class AuthenticatedHub(Calls calls) : RecordingHub(calls);

    [Authorize(Policy = "Adults")]
    public sealed class AdultsHub(Calls calls) : RecordingHub(calls);

    [Authorize]
    public sealed class AdminMethodsHub(Calls calls) : RecordingHub(calls)
    {
        [Authorize(Roles = "admin")]
        public override Task<int> Add(int a, int b) => base.Add(a, b);

        [Authorize(Roles = "admin")]
        public override void Note(string text) => base.Note(text);
    }

    [Authorize]
    public sealed class PublicEchoHub(Calls calls) : RecordingHub(calls)
    {
        [AllowAnonymous]
        public override ValueTask<string> Echo(string text, CancellationToken cancellationToken) => base.Echo(text, cancellationToken);
    }

    /// <summary>Explicit interface implementations carry attributes too.</summary>
    public sealed class ExplicitHub : SocketHub<IShapesServer, IShapesClient>, IShapesServer
    {
        void IShapesServer.Note(string text)
        {
        }

        Task IShapesServer.Touch(int n, long big, double ratio, bool flag) => Task.CompletedTask;

        [Authorize(Roles = "admin")]
        Task<int> IShapesServer.Add(int a, int b) => Task.FromResult(a + b);

        [Authorize(Policy = "Adults")]
        ValueTask<string> IShapesServer.Echo(string text, CancellationToken cancellationToken) => ValueTask.FromResult(text);

        Task<byte[]> IShapesServer.Reverse(byte[] data, ReadOnlyMemory<byte> suffix) => Task.FromResult(data);

        Task<Sample> IShapesServer.Roundtrip(Sample value) => Task.FromResult(value);

        Task<bool> IShapesServer.Slow(int delayMs, CancellationToken cancellationToken) => Task.FromResult(true);

        Task<int> IShapesServer.Join(string room) => Task.FromResult(0);
    }

    // ---- Rules read from the attributes (no network) --------------------------------------------------------------

    [Fact]
    public void HubWithoutAttributesHasNoRules() =>
        Assert.True(SocketHubAuthorizationRules.Create(typeof(OpenHub)).IsEmpty);

    [Fact]
    public void ClassRuleIsCheckedAtConnectAndMethodRulesPerEvent()
    {
        var rules = SocketHubAuthorizationRules.Create(typeof(AdminMethodsHub));

        Assert.IsType<AuthorizeAttribute>(Assert.Single(rules.Connect!));
        Assert.Equal(["add", "note"], rules.Events.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("admin", ((AuthorizeAttribute)Assert.Single(rules.Events["add"])).Roles);
    }

    [Fact]
    public void AllowAnonymousMethodMovesTheClassRuleToEveryOtherEvent()
    {
        var rules = SocketHubAuthorizationRules.Create(typeof(PublicEchoHub));

        Assert.Null(rules.Connect);
        Assert.Equal(["echo:text"], rules.Anonymous);
        Assert.Null(rules.For("echo:text"));
        Assert.IsType<AuthorizeAttribute>(Assert.Single(rules.For("add")!));
        Assert.Same(rules.Default, rules.For("join"));

        // Fail closed: an event the hub's type does not list still needs the class rule.
        Assert.Same(rules.Default, rules.For("not-in-the-contract"));
    }

    /// <summary>An attribute on a method that is not an event would protect nothing.</summary>
    public sealed class StrayAttributeHub(Calls calls) : RecordingHub(calls)
    {
        [Authorize(Roles = "admin")]
        public void Helper()
        {
        }
    }

    [Fact]
    public void AttributeOnAMethodThatIsNoEventIsAnError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SocketHubAuthorizationRules.Create(typeof(StrayAttributeHub)));
        Assert.Contains("StrayAttributeHub.Helper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplicitImplementationsUseTheContractsWireNames()
    {
        var rules = SocketHubAuthorizationRules.Create(typeof(ExplicitHub));

        Assert.Null(rules.Connect);
        Assert.Equal(["add", "echo:text"], rules.Events.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Adults", ((AuthorizeAttribute)Assert.Single(rules.Events["echo:text"])).Policy);
    }

    [Fact]
    public async Task HubWithAuthorizeNeedsAuthorizationServices()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            InteropServer.StartAsync(io => io.MapNamespace<AuthenticatedHub>("/"), output, services: s => s.AddSingleton<Calls>()));
        Assert.Contains("AddAuthorization", error.Message, StringComparison.Ordinal);
    }

    // ---- The hub's rule at the CONNECT ---------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AnonymousClientIsRefusedWithUnauthorizedAndCode401(string transport)
    {
        var calls = new Calls();
        await using var server = await StartAsync(io => io.MapNamespace<AuthenticatedHub>("/"), calls);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        var error = await client.WaitForAsync("connect_error", "c0");
        Assert.Equal("Unauthorized", error.String("message"));
        Assert.Equal("""{"code":401}""", error.Json.GetProperty("data").GetRawText());
        await client.AssertNoneDuringAsync(o => o.Type is "connect", TimeSpan.FromMilliseconds(300), "a connection after the refusal");
        Assert.Empty(calls.Items.Items);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AuthenticatedClientJoinsAndCallsTheHub(string transport)
    {
        var calls = new Calls();
        await using var server = await StartAsync(io => io.MapNamespace<AuthenticatedHub>("/"), calls);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output, options: new { query = new { user = "ann" } });

        await client.WaitForAsync("connect", "c0");
        Assert.Equal(5, (await client.EmitWithAckAsync("c0", "add", [2, 3])).Arg(0).GetInt32());
        await calls.Items.WaitForAsync("the hub's connect", i => i == "connected ann");
    }

    [Fact]
    public async Task PolicyRefusesAnAuthenticatedUserWithForbiddenAndCode403()
    {
        var calls = new Calls();
        await using var server = await StartAsync(io => io.MapNamespace<AdultsHub>("/"), calls);
        await using var kid = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, options: new { query = new { user = "kid", age = "12" } });
        await using var adult = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, options: new { query = new { user = "ann", age = "30" } });

        var error = await kid.WaitForAsync("connect_error", "c0");
        Assert.Equal("Forbidden", error.String("message"));
        Assert.Equal("""{"code":403}""", error.Json.GetProperty("data").GetRawText());
        await adult.WaitForAsync("connect", "c0");
        await calls.Items.WaitForAsync("the adult's connect", i => i == "connected ann");
        Assert.DoesNotContain("connected kid", calls.Items.Items);
    }

    // ---- Method rules per event ----------------------------------------------------------------------------------

    [Fact]
    public async Task RoleOnAMethodRefusesTheCallWithTheErrorAnswerOrDropsItAndCountsIt()
    {
        var calls = new Calls();
        var unauthorized = new Recorder<string>();
        using var listener = ListenToFailures("/roles", unauthorized);
        await using var server = await StartAsync(io => io.MapNamespace<AdminMethodsHub>("/roles"), calls);
        await using var bob = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, options: new { query = new { user = "bob" } }, nsp: "/roles");
        await using var alice = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output, options: new { query = new { user = "alice", roles = "user,admin" } }, nsp: "/roles");
        await bob.WaitForAsync("connect", "c0");
        await alice.WaitForAsync("connect", "c0");

        // With an ack: the standard error answer, and the method did not run.
        var refused = await bob.EmitWithAckAsync("c0", "add", [2, 3]);
        Assert.Equal("""{"error":{"message":"Forbidden","code":"forbidden"}}""", refused.Arg(0).GetRawText());
        Assert.Equal(5, (await alice.EmitWithAckAsync("c0", "add", [2, 3])).Arg(0).GetInt32());

        // Without an ack: dropped, logged and counted with reason "unauthorized".
        await bob.EmitAsync("c0", "note", "from bob");
        await alice.EmitAsync("c0", "note", "from alice");
        await calls.Items.WaitForAsync("alice's note", i => i == "note from alice");
        await unauthorized.WaitForCountAsync(2, "two refusals counted (bob's add and note)");

        // Methods without a rule of their own are open to every connected user.
        Assert.Equal("hi", (await bob.EmitWithAckAsync("c0", "echo:text", ["hi"])).Arg(0).GetString());
        Assert.Equal(["add"], calls.Items.Items.Where(i => i == "add"));
        Assert.DoesNotContain("note from bob", calls.Items.Items);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AllowAnonymousMethodOfAnAuthorizeHubServesAnonymousClients(string transport)
    {
        var calls = new Calls();
        await using var server = await StartAsync(io => io.MapNamespace<PublicEchoHub>("/"), calls);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);
        await client.WaitForAsync("connect", "c0");

        Assert.Equal("hi", (await client.EmitWithAckAsync("c0", "echo:text", ["hi"])).Arg(0).GetString());
        var refused = await client.EmitWithAckAsync("c0", "add", [2, 3]);
        Assert.Equal("""{"error":{"message":"Unauthorized","code":"unauthorized"}}""", refused.Arg(0).GetRawText());
        Assert.DoesNotContain("add", calls.Items.Items);
    }

    // ---- Authentication expiry -----------------------------------------------------------------------------------

    [Fact]
    public async Task SocketIsDisconnectedWhenItsAuthenticationExpires()
    {
        var calls = new Calls();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartAsync(
            io => io.MapNamespace<AuthenticatedHub>("/", o => o.CloseOnAuthenticationExpiration = true),
            calls,
            o =>
            {
                o.TimeProvider = clock;
                o.PingInterval = TimeSpan.FromHours(1); // no heartbeat on the fake clock while it jumps
                o.PingTimeout = TimeSpan.FromHours(1);
            });
        var expires = (clock.GetUtcNow() + TimeSpan.FromMinutes(10)).ToUnixTimeMilliseconds();
        await using var client = await NodeClient.StartAsync(
            "single", server.Url, ClientTransport.WebSocket, output, options: new { query = new { user = "ann", expires = expires.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        await client.WaitForAsync("connect", "c0");

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("still here", (await client.EmitWithAckAsync("c0", "echo:text", ["still here"])).Arg(0).GetString());
        Assert.DoesNotContain(client.Observations, o => o.Type == "disconnect");

        clock.Advance(TimeSpan.FromMinutes(2));
        var disconnect = await client.WaitForAsync("disconnect", "c0");
        Assert.Equal("io server disconnect", disconnect.String("reason"));
        await calls.Items.WaitForAsync("the hub's disconnect", i => i == "disconnected " + SocketDisconnectReasons.AuthenticationExpired);
    }

    [Fact]
    public async Task ConnectWithExpiredAuthenticationIsRefused()
    {
        var calls = new Calls();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartAsync(
            io => io.MapNamespace<OpenHub>("/", o => o.CloseOnAuthenticationExpiration = true), calls, o => o.TimeProvider = clock);
        var expired = (clock.GetUtcNow() - TimeSpan.FromSeconds(1)).ToUnixTimeMilliseconds();
        await using var client = await NodeClient.StartAsync(
            "single", server.Url, ClientTransport.Default, output, options: new { query = new { user = "ann", expires = expired.ToString(System.Globalization.CultureInfo.InvariantCulture) } });

        var error = await client.WaitForAsync("connect_error", "c0");
        Assert.Equal("Unauthorized", error.String("message"));
        Assert.Equal("""{"code":401}""", error.Json.GetProperty("data").GetRawText());
        Assert.Empty(calls.Items.Items);
    }

    // ---- Endpoint authorization (MapSocketIO(...).RequireAuthorization()) ----------------------------------------

    [Fact]
    public async Task WebSocketClientRefusedByTheEndpointSeesUnauthorizedInConnectError()
    {
        var connections = new Recorder<string>();
        await using var server = await StartEndpointAsync(connections, e => e.RequireAuthorization());
        await using var anonymous = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output);
        await using var ann = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output, options: new { query = new { user = "ann" } });

        var error = await anonymous.WaitForAsync("connect_error", "c0");
        Assert.Equal("Unauthorized", error.String("message"));
        Assert.Equal("""{"code":401}""", error.Json.GetProperty("data").GetRawText());
        await ann.WaitForAsync("connect", "c0");
        await connections.WaitForAsync("ann's connection");
        await anonymous.AssertNoneDuringAsync(o => o.Type is "connect", TimeSpan.FromMilliseconds(300), "a connection after the refusal");
        Assert.Single(connections.Items);
    }

    [Fact]
    public async Task WebSocketClientForbiddenByTheEndpointsPolicySeesForbiddenInConnectError()
    {
        var connections = new Recorder<string>();
        await using var server = await StartEndpointAsync(connections, e => e.RequireAuthorization("Adults"));
        await using var kid = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output, options: new { query = new { user = "kid", age = "12" } });

        var error = await kid.WaitForAsync("connect_error", "c0");
        Assert.Equal("Forbidden", error.String("message"));
        Assert.Equal("""{"code":403}""", error.Json.GetProperty("data").GetRawText());
        Assert.Empty(connections.Items);
    }

    [Fact]
    public async Task PollingClientRefusedByTheEndpointSeesTheHttpStatus()
    {
        var connections = new Recorder<string>();
        await using var server = await StartEndpointAsync(connections, e => e.RequireAuthorization());
        await using var client = await NodeClient.StartAsync("single", server.Url, ClientTransport.Polling, output, options: new { reconnection = false });

        // Polling is plain HTTP: the client reports the transport error with the status as its description.
        var error = await client.WaitForAsync("connect_error", "c0");
        Assert.Equal("xhr poll error", error.String("message"));
        Assert.Equal("401", error.Json.GetProperty("description").GetRawText());
        Assert.Empty(connections.Items);
    }

    private sealed class CustomResultHandler : Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler
    {
        public int Calls { get; private set; }

        public Task HandleAsync(Microsoft.AspNetCore.Http.RequestDelegate next, Microsoft.AspNetCore.Http.HttpContext context, AuthorizationPolicy policy, Microsoft.AspNetCore.Authorization.Policy.PolicyAuthorizationResult authorizeResult)
        {
            Calls++;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ResultHandlerWrapsWhatWasRegisteredBeforeAddTypedSockets()
    {
        var custom = new CustomResultHandler();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthorization();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler>(custom);
        services.AddTypedSockets();
        services.AddTypedSockets(); // twice: still one wrapper
        await using var provider = services.BuildServiceProvider();

        var handler = provider.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler>();
        Assert.IsType<SocketIOAuthorizationResultHandler>(handler);
        await handler.HandleAsync(_ => Task.CompletedTask, new Microsoft.AspNetCore.Http.DefaultHttpContext(), new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build(), Microsoft.AspNetCore.Authorization.Policy.PolicyAuthorizationResult.Challenge());
        Assert.Equal(1, custom.Calls);
    }

    [Fact]
    public async Task ResultHandlerIsRegisteredWhenAuthorizationIsAddedAfterwards()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTypedSockets();
        services.AddAuthorization();
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<SocketIOAuthorizationResultHandler>(provider.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler>());
    }

    // ---- Helpers -------------------------------------------------------------------------------------------------

    private Task<InteropServer> StartAsync(Action<SocketIOServer> configure, Calls calls, Action<SocketIOServerOptions>? options = null) =>
        InteropServer.StartAsync(configure, output, options, services: services =>
        {
            services.AddSingleton(calls);
            QueryAuthenticationHandler.Register(services);
        });

    private Task<InteropServer> StartEndpointAsync(Recorder<string> connections, Action<IEndpointConventionBuilder> endpoint) =>
        InteropServer.StartAsync(io => io.OnConnection(socket => connections.Add(socket.Id)), output, services: QueryAuthenticationHandler.Register, endpoint: endpoint);

    /// <summary>Records the <c>typedsockets.server.events.failed</c> measurements of <paramref name="nsp"/> with reason "unauthorized".</summary>
    private static MeterListener ListenToFailures(string nsp, Recorder<string> recorder)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TypedSocketsTelemetry.ServerMeterName && instrument.Name == "typedsockets.server.events.failed")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? ns = null, reason = null;
            foreach (var tag in tags)
            {
                ns = tag.Key == "socketio.namespace" ? (string?)tag.Value : ns;
                reason = tag.Key == "reason" ? (string?)tag.Value : reason;
            }

            if (ns == nsp && reason == "unauthorized")
            {
                recorder.Add(reason);
            }
        });
        listener.Start();
        return listener;
    }
}
