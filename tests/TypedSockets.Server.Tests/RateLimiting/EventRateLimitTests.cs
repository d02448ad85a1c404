using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TypedSockets.Server.Tests.SocketIO;

namespace TypedSockets.Server.Tests.RateLimiting;

/// <summary>
/// Issue 15: event rate limits. Windows are an hour long, so nothing is replenished while a test runs and no test
/// depends on timing; each test uses a namespace of its own, so the static meter's counts do not mix across tests.
/// </summary>
public class EventRateLimitTests
{
    private const string RateLimitedAnswer = "[{\"error\":{\"message\":\"Rate limit exceeded for 'x'.\",\"code\":\"rate_limited\"}}]";

    private static FixedWindowRateLimiterOptions PerHour(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromHours(1) };

    [Fact]
    public async Task AFloodBeyondTheLimitIsDroppedCountedAndLoggedOnce()
    {
        using var metrics = new LimitedEventsListener("/flood");
        var logs = new RecordingLoggerProvider();
        await using var host = new SocketIOTestHost(
            o => o.RateLimiting.AddFixedWindowPolicy("three", PerHour(3)),
            services => services.AddSingleton<ILoggerProvider>(logs));
        var calls = 0;
        host.Server.Of("/flood").RequireRateLimiting("three").OnConnection(s => s.On("x", e =>
        {
            Interlocked.Increment(ref calls);
            e.Ack("ok");
        }));
        var (connection, _) = await host.JoinAsync("/flood");

        for (var i = 0; i < 10; i++)
        {
            connection.Receive($"2/flood,{i}[\"x\"]");
        }

        connection.Receive("2/flood,[\"x\"]"); // no ack: dropped without an answer
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal($"3/flood,{i}[\"ok\"]", await connection.NextAsync());
        }

        for (var i = 3; i < 10; i++)
        {
            Assert.Equal($"3/flood,{i}" + RateLimitedAnswer, await connection.NextAsync());
        }

        Assert.True(await connection.NothingSentAsync());
        Assert.Equal(3, Volatile.Read(ref calls));
        Assert.True(connection.IsOpen);
        Assert.Equal(8, metrics.Count("drop", "three"));
        Assert.Equal(0, metrics.Count("disconnect", "three"));
        Assert.Single(logs.Entries, e => e.Id == 2110);
    }

    [Fact]
    public async Task DisconnectModeAnswersTheEventThenDisconnectsTheSocket()
    {
        using var metrics = new LimitedEventsListener("/strict");
        await using var host = new SocketIOTestHost(o => o.RateLimiting.AddFixedWindowPolicy(
            "two", PerHour(2), action: SocketRateLimitAction.Disconnect));
        var reason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        host.Server.Of("/strict").RequireRateLimiting("two").OnConnection(s =>
        {
            s.On("x", e =>
            {
                Interlocked.Increment(ref calls);
                e.Ack("ok");
            });
            s.OnDisconnect(r => reason.TrySetResult(r));
        });
        var (connection, _) = await host.JoinAsync("/strict");

        connection.Receive("2/strict,0[\"x\"]");
        connection.Receive("2/strict,1[\"x\"]");
        connection.Receive("2/strict,2[\"x\"]");
        connection.Receive("2/strict,3[\"x\"]"); // after the disconnect: reaches no handler

        Assert.Equal("3/strict,0[\"ok\"]", await connection.NextAsync());
        Assert.Equal("3/strict,1[\"ok\"]", await connection.NextAsync());
        Assert.Equal("3/strict,2" + RateLimitedAnswer, await connection.NextAsync());
        Assert.Equal("1/strict,", await connection.NextAsync());
        Assert.Equal(SocketDisconnectReasons.RateLimited, await reason.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, metrics.Count("disconnect", "two"));
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Empty(host.Server.Of("/strict").Sockets);
    }

    [Fact]
    public async Task APerUserPolicySharesTheBudgetAcrossTheSocketsOfOneUser()
    {
        await using var host = new SocketIOTestHost(
            o => o.RateLimiting.AddFixedWindowPolicy("user", PerHour(4), SocketRateLimitPartition.PerUser),
            services => services.AddSingleton<ISocketUserIdProvider>(new FixedUser("alice")));
        host.Server.Of("/user").RequireRateLimiting("user").OnConnection(s => s.On("x", e => e.Ack("ok")));
        var (first, _) = await host.JoinAsync("/user");
        var (second, _) = await host.JoinAsync("/user");

        for (var i = 0; i < 3; i++)
        {
            first.Receive($"2/user,{i}[\"x\"]");
            Assert.Equal($"3/user,{i}[\"ok\"]", await first.NextAsync());
        }

        second.Receive("2/user,0[\"x\"]");
        Assert.Equal("3/user,0[\"ok\"]", await second.NextAsync());
        second.Receive("2/user,1[\"x\"]");
        Assert.Equal("3/user,1" + RateLimitedAnswer, await second.NextAsync());
        first.Receive("2/user,3[\"x\"]");
        Assert.Equal("3/user,3" + RateLimitedAnswer, await first.NextAsync());
    }

    [Fact]
    public async Task APerSocketPolicyGivesEachSocketItsOwnBudget()
    {
        await using var host = new SocketIOTestHost(
            o => o.RateLimiting.AddFixedWindowPolicy("socket", PerHour(1)),
            services => services.AddSingleton<ISocketUserIdProvider>(new FixedUser("alice")));
        host.Server.Of("/own").RequireRateLimiting("socket").OnConnection(s => s.On("x", e => e.Ack("ok")));
        var (first, _) = await host.JoinAsync("/own");
        var (second, _) = await host.JoinAsync("/own");

        first.Receive("2/own,0[\"x\"]");
        Assert.Equal("3/own,0[\"ok\"]", await first.NextAsync());
        second.Receive("2/own,0[\"x\"]");
        Assert.Equal("3/own,0[\"ok\"]", await second.NextAsync());
        first.Receive("2/own,1[\"x\"]");
        Assert.Equal("3/own,1" + RateLimitedAnswer, await first.NextAsync());
    }

    [Fact]
    public async Task AnEventPolicyLimitsOnlyThatEvent()
    {
        await using var host = new SocketIOTestHost(o => o.RateLimiting.AddFixedWindowPolicy("once", PerHour(1)));
        host.Server.Of("/events").RequireRateLimiting("x", "once").OnConnection(s =>
        {
            s.On("x", e => e.Ack("ok"));
            s.On("y", e => e.Ack("ok"));
        });
        var (connection, _) = await host.JoinAsync("/events");

        connection.Receive("2/events,0[\"x\"]");
        connection.Receive("2/events,1[\"x\"]");
        for (var i = 2; i < 12; i++)
        {
            connection.Receive($"2/events,{i}[\"y\"]");
        }

        Assert.Equal("3/events,0[\"ok\"]", await connection.NextAsync());
        Assert.Equal("3/events,1" + RateLimitedAnswer, await connection.NextAsync());
        for (var i = 2; i < 12; i++)
        {
            Assert.Equal($"3/events,{i}[\"ok\"]", await connection.NextAsync());
        }
    }

    [Fact]
    public async Task TheDefaultPolicyAppliesToEveryNamespaceWithABudgetPerNamespace()
    {
        await using var host = new SocketIOTestHost(o =>
        {
            o.RateLimiting.AddFixedWindowPolicy("default", PerHour(1));
            o.RateLimiting.DefaultPolicy = "default";
        });
        host.Server.OnConnection(s => s.On("x", e => e.Ack("ok")));
        host.Server.Of("/other").OnConnection(s => s.On("x", e => e.Ack("ok")));
        var (connection, _) = await host.JoinAsync();
        connection.Receive("0/other,");
        Assert.StartsWith("0/other,", await connection.NextAsync());

        connection.Receive("20[\"x\"]");
        Assert.Equal("30[\"ok\"]", await connection.NextAsync());
        connection.Receive("2/other,0[\"x\"]");
        Assert.Equal("3/other,0[\"ok\"]", await connection.NextAsync());
        connection.Receive("21[\"x\"]");
        Assert.Equal("31" + RateLimitedAnswer, await connection.NextAsync());
    }

    [Fact]
    public async Task APerSocketLimiterIsDisposedWhenItsSocketDisconnects()
    {
        var created = new ConcurrentBag<CountingLimiter>();
        await using var host = new SocketIOTestHost(o => o.RateLimiting.AddPolicy("counted", new SocketRateLimitPolicy(() =>
        {
            var limiter = new CountingLimiter();
            created.Add(limiter);
            return limiter;
        })));
        host.Server.Of("/dispose").RequireRateLimiting("counted").OnConnection(s => s.On("x", e => e.Ack("ok")));
        var (connection, _) = await host.JoinAsync("/dispose");
        connection.Receive("2/dispose,0[\"x\"]");
        Assert.Equal("3/dispose,0[\"ok\"]", await connection.NextAsync());
        var limiter = Assert.Single(created);
        Assert.Equal(1, host.Server.RateLimiters!.Resolve("counted").PartitionCount);

        connection.Receive("1/dispose,");
        await SocketIOServerTests.WaitUntil(() => limiter.Disposed);
        Assert.Equal(0, host.Server.RateLimiters.Resolve("counted").PartitionCount);
    }

    [Fact]
    public async Task APerUserLimiterOutlivesTheUsersSocketsUntilItIsIdle()
    {
        var created = new ConcurrentBag<CountingLimiter>();
        await using var host = new SocketIOTestHost(
            o =>
            {
                o.TimeProvider = new FakeTimeProvider(); // the timer never fires by itself: this test ticks
                o.RateLimiting.AddPolicy("user", new SocketRateLimitPolicy(() =>
                {
                    var limiter = new CountingLimiter();
                    created.Add(limiter);
                    return limiter;
                }) { Partition = SocketRateLimitPartition.PerUser });
            },
            services => services.AddSingleton<ISocketUserIdProvider>(new FixedUser("bob")));
        host.Server.Of("/idle").RequireRateLimiting("user").OnConnection(s => s.On("x", e => e.Ack("ok")));
        var (connection, _) = await host.JoinAsync("/idle");
        connection.Receive("2/idle,0[\"x\"]");
        Assert.Equal("3/idle,0[\"ok\"]", await connection.NextAsync());
        var limiter = Assert.Single(created);
        var policy = host.Server.RateLimiters!.Resolve("user");

        connection.Receive("1/idle,");
        await SocketIOServerTests.WaitUntil(() => host.Server.Of("/idle").Sockets.Count == 0);
        host.Server.RateLimiters.Tick();
        Assert.False(limiter.Disposed, "a user's budget is kept while it is not full again");
        Assert.Equal(1, policy.PartitionCount);

        limiter.Idle = true;
        host.Server.RateLimiters.Tick();
        Assert.True(limiter.Disposed);
        Assert.Equal(0, policy.PartitionCount);
    }

    [Fact]
    public async Task TheServersTimerReplenishesLimitersThatDoNotReplenishThemselves()
    {
        var time = new FakeTimeProvider();
        await using var host = new SocketIOTestHost(o =>
        {
            o.TimeProvider = time;
            o.RateLimiting.AddPolicy("manual", new SocketRateLimitPolicy(() => new OnePermitUntilReplenished()));
        });
        host.Server.Of("/refill").RequireRateLimiting("manual").OnConnection(s => s.On("x", e => e.Ack("ok")));
        var (connection, _) = await host.JoinAsync("/refill");

        connection.Receive("2/refill,0[\"x\"]");
        Assert.Equal("3/refill,0[\"ok\"]", await connection.NextAsync());
        connection.Receive("2/refill,1[\"x\"]");
        Assert.Equal("3/refill,1" + RateLimitedAnswer, await connection.NextAsync());

        time.Advance(SocketRateLimiters.TickPeriod);
        connection.Receive("2/refill,2[\"x\"]");
        Assert.Equal("3/refill,2[\"ok\"]", await connection.NextAsync());
    }

    [Fact]
    public async Task ALimiterFactoryThatThrowsIsLoggedOnceAndLetsEventsThrough()
    {
        var logs = new RecordingLoggerProvider();
        await using var host = new SocketIOTestHost(
            o => o.RateLimiting.AddPolicy("broken", new SocketRateLimitPolicy(() => throw new InvalidOperationException("no limiter"))),
            services => services.AddSingleton<ILoggerProvider>(logs));
        host.Server.Of("/broken").RequireRateLimiting("broken").OnConnection(s => s.On("x", e => e.Ack("ok")));
        var (connection, _) = await host.JoinAsync("/broken");

        connection.Receive("2/broken,0[\"x\"]");
        connection.Receive("2/broken,1[\"x\"]");
        Assert.Equal("3/broken,0[\"ok\"]", await connection.NextAsync());
        Assert.Equal("3/broken,1[\"ok\"]", await connection.NextAsync());
        Assert.True(connection.IsOpen);
        Assert.Single(logs.Entries, e => e.Id == 2112);
    }

    [Fact]
    public async Task AnUnknownPolicyIsRefusedWhenItIsApplied()
    {
        await using var host = new SocketIOTestHost(o => o.RateLimiting.AddFixedWindowPolicy("known", PerHour(1)));
        var error = Assert.Throws<InvalidOperationException>(() => host.Server.Of("/x").RequireRateLimiting("unknown"));
        Assert.Contains("'unknown'", error.Message);

        await using var none = new SocketIOTestHost();
        Assert.Throws<InvalidOperationException>(() => none.Server.Sockets.RequireRateLimiting("x", "known"));
    }

    [Fact]
    public async Task WithoutPoliciesTheServerHasNoLimiters()
    {
        await using var host = new SocketIOTestHost();
        Assert.Null(host.Server.RateLimiters);
        Assert.Null(host.Server.Sockets.RateLimitRules);
    }

    /// <summary>One permit, given back only by <see cref="TryReplenish"/> (as a limiter with AutoReplenishment off).</summary>
    private sealed class OnePermitUntilReplenished : ReplenishingRateLimiter
    {
        private int _permits = 1;

        public override bool IsAutoReplenishing => false;

        public override TimeSpan ReplenishmentPeriod => SocketRateLimiters.TickPeriod;

        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => null;

        public override bool TryReplenish()
        {
            Volatile.Write(ref _permits, 1);
            return true;
        }

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => new Lease(Interlocked.Exchange(ref _permits, 0) == 1);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) => new(AttemptAcquireCore(permitCount));
    }

    private sealed class FixedUser(string id) : ISocketUserIdProvider
    {
        public string? GetUserId(SocketIOSocket socket) => id;
    }

    /// <summary>A limiter that always grants, and says it is idle only when told.</summary>
    private sealed class CountingLimiter : RateLimiter
    {
        public volatile bool Disposed;
        public volatile bool Idle;

        public override TimeSpan? IdleDuration => Idle ? TimeSpan.FromHours(1) : null;

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => new Lease(true);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) => new(new Lease(true));

        protected override void Dispose(bool disposing) => Disposed = true;
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

/// <summary>Sums <c>typedsockets.server.events.limited</c> for one namespace, by action and policy.</summary>
internal sealed class LimitedEventsListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Action, string Policy), long> _counts = new();

    public LimitedEventsListener(string nsp)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TypedSocketsTelemetry.ServerMeterName && instrument.Name == "typedsockets.server.events.limited")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? ns = null, action = null, policy = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "socketio.namespace": ns = (string?)tag.Value; break;
                    case "action": action = (string?)tag.Value; break;
                    case "policy": policy = (string?)tag.Value; break;
                }
            }

            if (ns == nsp && action is not null && policy is not null)
            {
                _counts.AddOrUpdate((action, policy), value, (_, total) => total + value);
            }
        });
        _listener.Start();
    }

    public long Count(string action, string policy) => _counts.GetValueOrDefault((action, policy));

    public void Dispose() => _listener.Dispose();
}

/// <summary>Keeps the log entries of TypedSockets' own categories (event id, level, message).</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(int Id, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName.StartsWith("TypedSockets.", StringComparison.Ordinal));

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider owner, bool ours) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => ours;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (ours)
            {
                owner.Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
            }
        }
    }
}
