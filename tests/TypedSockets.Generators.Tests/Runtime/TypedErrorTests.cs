using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSockets.Client;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.MessagePack;
using TypedSockets.Server;
using TypedSockets.TestContracts;

namespace TypedSockets.Generators.Tests.Runtime;

/// <summary>
/// The error model end to end, both ends typed, with both parsers and both transports: refusals and failures answer
/// the caller's acknowledgement with <c>{"error":{...}}</c>, which the other side throws as a SocketInvocationException;
/// hub filters; serial dispatch; default ack timeouts.
/// </summary>
public sealed class TypedErrorTests : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private readonly List<SocketIOManager> _managers = [];
    private readonly List<WebApplication> _apps = [];

    public static TheoryData<string, SocketIOTransports> Setups => new()
    {
        { "json", SocketIOTransports.WebSocket },
        { "json", SocketIOTransports.Polling },
        { "msgpack", SocketIOTransports.WebSocket },
        { "msgpack", SocketIOTransports.Polling },
    };

    /// <summary>A hub whose methods refuse, fail, or block on a gate; it records the calls that ran.</summary>
    public sealed class FaultyHub : SocketHub<IShapesServer, IShapesClient>, IShapesServer
    {
        public static readonly ConcurrentQueue<string> Calls = new();
        public static TaskCompletionSource Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Note(string text)
        {
            Calls.Enqueue("note " + text);
            throw new InvalidOperationException("note failed");
        }

        public Task Touch(int n, long big, double ratio, bool flag) => Task.CompletedTask;

        public Task<int> Add(int a, int b)
        {
            Calls.Enqueue($"add {a} {b}");
            return Task.FromResult(a + b);
        }

        public ValueTask<string> Echo(string text, CancellationToken cancellationToken) => ValueTask.FromResult(text);

        public Task<byte[]> Reverse(byte[] data, ReadOnlyMemory<byte> suffix) => Task.FromResult(data);

        public Task<Sample> Roundtrip(Sample value) => Task.FromResult(value);

        public Task<bool> Slow(int delayMs, CancellationToken cancellationToken) => Task.FromResult(true);

        public async Task<int> Join(string room)
        {
            Calls.Enqueue("join " + room);
            switch (room)
            {
                case "full":
                    throw new SocketInvocationException("Room is full", "room_full", new Dictionary<string, object?> { ["max"] = 2 });
                case "boom":
                    throw new InvalidOperationException("secret internals");
                case "gate":
                    await Gate.Task;
                    Calls.Enqueue("join gate done");
                    return 0;
                default:
                    return 1;
            }
        }

        public override ValueTask OnConnectedAsync()
        {
            // Untyped, so never serialized: its ack proves the events sent before it were dispatched.
            Socket.On("probe", e => e.Ack("probed"));
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Refuses joins of "forbidden" and records what it wraps.</summary>
    private sealed class RoomFilter(string name, ConcurrentQueue<string> log) : ISocketHubFilter
    {
        public async ValueTask InvokeMethodAsync(SocketHubInvocationContext context, Func<SocketHubInvocationContext, ValueTask> next)
        {
            log.Enqueue($"{name} before {context.EventName}");
            if (context.EventName == "join" && context.Arguments.Get<string>(0) == "forbidden")
            {
                throw new SocketInvocationException("You may not join this room.", "forbidden");
            }

            await next(context);
            log.Enqueue($"{name} after {context.EventName}");
        }

        public ValueTask OnConnectedAsync(SocketHubLifetimeContext context, Func<SocketHubLifetimeContext, ValueTask> next)
        {
            log.Enqueue($"{name} connected");
            return next(context);
        }
    }

    private sealed class AskView(Func<string, Task<string>> ask) : IShapesClient
    {
        public void Notice(string text, int n)
        {
        }

        public ValueTask Blob(byte[] data, ReadOnlyMemory<byte> extra) => ValueTask.CompletedTask;

        public Task<string> Ask(string question) => ask(question);

        public Task<bool> HoldUntilDisconnected(CancellationToken cancellationToken) => Task.FromResult(true);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync();
        }

        foreach (var app in _apps)
        {
            await RuntimeHost.StopAsync(app);
        }
    }

    private static SocketIOParser Parser(string parser) => parser == "msgpack" ? new MessagePackSocketIOParser() : JsonSocketIOParserDefault;

    private static readonly SocketIOParser JsonSocketIOParserDefault = TypedSockets.Protocol.SocketIO.Json.JsonSocketIOParser.Default;

    private async Task<(WebApplication App, Uri Address)> StartAsync(string parser, Action<SocketIOServer> map, Action<SocketIOServerOptions>? options = null)
    {
        var started = await RuntimeHost.StartAsync(map, o =>
        {
            o.Parser = Parser(parser);
            options?.Invoke(o);
        });
        _apps.Add(started.App);
        return started;
    }

    private async Task<SocketIOClientSocket> ConnectAsync(Uri address, string parser, SocketIOTransports transports, string nsp, Action<SocketIOClientSocket>? beforeConnect = null)
    {
        var manager = new SocketIOManager(address, new SocketIOClientOptions { Reconnection = false, Transports = transports, Parser = Parser(parser) });
        _managers.Add(manager);
        var socket = manager.Socket(nsp);
        beforeConnect?.Invoke(socket);
        await socket.ConnectAsync().WaitAsync(s_wait);
        return socket;
    }

    private static SocketIONamespace Namespace(WebApplication app, string name) =>
        app.Services.GetRequiredService<SocketIOServerRegistry>().Servers.Single().Of(name);

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task AHubsRefusalAndFailureReachTheTypedCallerAsSocketInvocationException(string parser, SocketIOTransports transports)
    {
        var (_, address) = await StartAsync(parser, io => io.MapNamespace<FaultyHub>("/faulty"));
        var server = (await ConnectAsync(address, parser, transports, "/faulty")).Emitter<IShapesServer>();

        var refused = await Assert.ThrowsAsync<SocketInvocationException>(() => server.Join("full").WaitAsync(s_wait));
        Assert.Equal("Room is full", refused.Message);
        Assert.Equal("room_full", refused.Code);
        Assert.Contains("max", refused.ErrorData!.ToString()!, StringComparison.Ordinal);

        var failed = await Assert.ThrowsAsync<SocketInvocationException>(() => server.Join("boom").WaitAsync(s_wait));
        Assert.Equal("An error occurred while handling 'join'.", failed.Message);
        Assert.Equal(SocketInvocationException.InternalErrorCode, failed.Code);
        Assert.Null(failed.ErrorData);

        // The connection goes on.
        Assert.Equal(1, await server.Join("lobby").WaitAsync(s_wait));
    }

    [Fact]
    public async Task DetailedErrorsAddTheExceptionsTypeAndMessage()
    {
        var (_, address) = await StartAsync("json", io => io.MapNamespace<FaultyHub>("/faulty"), o => o.EnableDetailedErrors = true);
        var server = (await ConnectAsync(address, "json", SocketIOTransports.WebSocket, "/faulty")).Emitter<IShapesServer>();

        var failed = await Assert.ThrowsAsync<SocketInvocationException>(() => server.Join("boom").WaitAsync(s_wait));
        Assert.Equal("An error occurred while handling 'join'. InvalidOperationException: secret internals", failed.Message);
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task ArgumentsThatDoNotBindAreRefusedBeforeTheMethodRuns(string parser, SocketIOTransports transports)
    {
        var (_, address) = await StartAsync(parser, io => io.MapNamespace<FaultyHub>("/faulty"));
        var socket = await ConnectAsync(address, parser, transports, "/faulty");
        while (FaultyHub.Calls.TryDequeue(out _))
        {
        }

        async Task<SocketInvocationException> Refused(string name, object?[] args)
        {
            var reply = await socket.EmitWithAckAsync(name, args, timeout: null).WaitAsync(s_wait);
            Assert.True(reply.TryGetError(out var error), name + " was not refused");
            Assert.Equal(SocketInvocationException.InvalidArgumentsCode, error.Code);
            return error;
        }

        Assert.Equal("Invalid arguments for 'add': 'b' is missing.", (await Refused("add", [1])).Message);
        Assert.Equal("Invalid arguments for 'add': 'a' has the wrong type.", (await Refused("add", ["x", 1])).Message);
        Assert.Equal("Invalid arguments for 'add': 'a' must not be null.", (await Refused("add", [null, 1])).Message);
        Assert.Equal("Invalid arguments for 'join': 'room' must not be null.", (await Refused("join", [null])).Message);
        Assert.Equal("Invalid arguments for 'join': 'room' is missing.", (await Refused("join", [])).Message);

        // The typed emitter's SendWithAckAsync path throws the same refusal.
        var typed = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.EmitWithAckAsync<int>("add", [1]).WaitAsync(s_wait));
        Assert.Equal(SocketInvocationException.InvalidArgumentsCode, typed.Code);

        // Extra arguments are allowed (JavaScript convention).
        Assert.Equal(3, await socket.EmitWithAckAsync<int>("add", [1, 2, "extra"]).WaitAsync(s_wait));
        Assert.Equal(["add 1 2"], FaultyHub.Calls.ToArray());
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task AClientHandlerThatThrowsAnswersTheServersTypedCall(string parser, SocketIOTransports transports)
    {
        var (app, address) = await StartAsync(parser, io => io.MapNamespace<FaultyHub>("/faulty"));
        var reported = new ConcurrentQueue<Exception>();
        var socket = await ConnectAsync(address, parser, transports, "/faulty", s =>
        {
            s.Handle<IShapesClient>(new AskView(question => question switch
            {
                "refuse" => throw new SocketInvocationException("Not now", "busy"),
                "boom" => throw new InvalidOperationException("client internals"),
                _ => Task.FromResult("answer to " + question),
            }));
            s.HandlerError += reported.Enqueue;
        });
        var client = Namespace(app, "/faulty").Sockets.Values.Single(s => s.Id == socket.Id).Emitter<IShapesClient>();

        var refused = await Assert.ThrowsAsync<SocketInvocationException>(() => client.Ask("refuse").WaitAsync(s_wait));
        Assert.Equal(("Not now", "busy"), (refused.Message, refused.Code));
        var failed = await Assert.ThrowsAsync<SocketInvocationException>(() => client.Ask("boom").WaitAsync(s_wait));
        Assert.Equal(("An error occurred while handling 'ask'.", SocketInvocationException.InternalErrorCode), (failed.Message, failed.Code));
        Assert.Equal("answer to next", await client.Ask("next").WaitAsync(s_wait));
        Assert.Equal(2, reported.Count);
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task AnAcknowledgedBroadcastWithoutTimeoutUsesTheDefaultAndReportsErrorsPerClient(string parser, SocketIOTransports transports)
    {
        var (app, address) = await StartAsync(parser, io => io.MapNamespace<FaultyHub>("/faulty"), o => o.DefaultAckTimeout = TimeSpan.FromSeconds(10));
        await ConnectAsync(address, parser, transports, "/faulty", s => s.Handle<IShapesClient>(new AskView(q => Task.FromResult("yes"))));
        await ConnectAsync(address, parser, transports, "/faulty", s => s.Handle<IShapesClient>(new AskView(q => throw new SocketInvocationException("no", "declined"))));

        var results = await Namespace(app, "/faulty").Clients<IShapesClient>().Ask("ready?").WaitAsync(s_wait);

        Assert.Equal(2, results.Count);
        Assert.True(results.IsComplete);
        Assert.Equal(1, results.ErrorCount);
        Assert.Equal(["yes"], results.Values);
        var error = Assert.Single(results, r => r.IsError).Error!;
        Assert.Equal(("no", "declined"), (error.Message, error.Code));
    }

    [Fact]
    public async Task WithoutADefaultAckTimeoutAnAcknowledgedBroadcastNeedsOne()
    {
        var (app, _) = await StartAsync("json", io => io.MapNamespace<FaultyHub>("/faulty"), o => o.DefaultAckTimeout = null);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Namespace(app, "/faulty").Clients<IShapesClient>().Ask("ready?"));
    }

    [Fact]
    public async Task TheServersTypedCallTimesOutAfterTheDefaultAckTimeout()
    {
        var (app, address) = await StartAsync("json", io => io.MapNamespace<FaultyHub>("/faulty"), o => o.DefaultAckTimeout = TimeSpan.FromMilliseconds(300));
        var never = new TaskCompletionSource<string>();
        var socket = await ConnectAsync(address, "json", SocketIOTransports.WebSocket, "/faulty", s => s.Handle<IShapesClient>(new AskView(_ => never.Task)));
        var client = Namespace(app, "/faulty").Sockets.Values.Single(s => s.Id == socket.Id).Emitter<IShapesClient>();

        await Assert.ThrowsAsync<SocketAckTimeoutException>(() => client.Ask("anyone?").WaitAsync(s_wait));
    }

    [Fact]
    public void DefaultAckTimeoutsAreThirtySeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), new SocketIOServerOptions().DefaultAckTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), new SocketIOClientOptions().AckTimeout);
    }

    [Fact]
    public async Task HubFiltersWrapEveryCallServerWideFirstAndCanRefuseIt()
    {
        var log = new ConcurrentQueue<string>();
        var (_, address) = await StartAsync(
            "json",
            io => io.MapNamespace<FaultyHub>("/filtered", o => o.AddFilter(new RoomFilter("hub", log))),
            o => o.AddFilter(new RoomFilter("global", log)));
        var server = (await ConnectAsync(address, "json", SocketIOTransports.WebSocket, "/filtered")).Emitter<IShapesServer>();
        while (FaultyHub.Calls.TryDequeue(out _))
        {
        }

        Assert.Equal(1, await server.Join("lobby").WaitAsync(s_wait));
        var refused = await Assert.ThrowsAsync<SocketInvocationException>(() => server.Join("forbidden").WaitAsync(s_wait));
        Assert.Equal(("You may not join this room.", "forbidden"), (refused.Message, refused.Code));

        Assert.Equal(["join lobby"], FaultyHub.Calls.ToArray());
        Assert.Equal(
            ["global connected", "hub connected", "global before join", "hub before join", "hub after join", "global after join", "global before join"],
            log.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SerialDispatchRunsOneHubMethodAtATimePerClient(bool serial)
    {
        FaultyHub.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (_, address) = await StartAsync("json", io => io.MapNamespace<FaultyHub>("/serial", o => o.SerialDispatch = serial));
        var socket = await ConnectAsync(address, "json", SocketIOTransports.WebSocket, "/serial");
        var server = socket.Emitter<IShapesServer>();

        var gated = server.Join("gate");
        var add = server.Add(1, 2);

        if (serial)
        {
            // "probe" is not a hub event: once its ack is back, the server has dispatched both calls above, and an
            // answer to "add" would have been received first.
            Assert.Equal("probed", await socket.EmitWithAckAsync<string>("probe", []).WaitAsync(s_wait));
            Assert.False(add.IsCompleted, "add ran while join was still running");
        }
        else
        {
            Assert.Equal(3, await add.WaitAsync(s_wait)); // while join waits at the gate
        }

        Assert.False(gated.IsCompleted);

        FaultyHub.Gate.SetResult();
        Assert.Equal(0, await gated.WaitAsync(s_wait));
        Assert.Equal(3, await add.WaitAsync(s_wait));
    }

    [Fact]
    public async Task FailuresOfUnacknowledgedEventsAreCountedByReason()
    {
        var counted = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TypedSocketsTelemetry.ServerMeterName && instrument.Name == "typedsockets.server.events.failed")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? nsp = null, reason = null;
            foreach (var tag in tags)
            {
                nsp = tag.Key == "socketio.namespace" ? (string?)tag.Value : nsp;
                reason = tag.Key == "reason" ? (string?)tag.Value : reason;
            }

            if (nsp == "/counted")
            {
                counted.Enqueue(reason + " " + value);
            }
        });
        listener.Start();

        var (_, address) = await StartAsync("json", io => io.MapNamespace<FaultyHub>("/counted"));
        var socket = await ConnectAsync(address, "json", SocketIOTransports.WebSocket, "/counted");
        socket.Emit("note", "x");          // throws: error
        socket.Emit("add", "x", 1);        // does not bind: invalid_arguments
        socket.Emit("join", "full");       // SocketInvocationException: refused

        // Events are dispatched in order: once the probe is answered, the three above have run.
        await socket.EmitWithAckAsync<string>("probe", []).WaitAsync(s_wait);
        await TypedSockets.Testing.Eventually.TrueAsync(() => counted.Count >= 3, () => $"three failures are counted (got {string.Join(", ", counted)})");

        Assert.Equal(["error 1", "invalid_arguments 1", "refused 1"], counted.Order(StringComparer.Ordinal).ToArray());
    }
}
