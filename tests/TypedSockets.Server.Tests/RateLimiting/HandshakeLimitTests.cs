using System.Diagnostics.Metrics;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server.EngineIO;
using TypedSockets.Server.Tests.EngineIO;
using TypedSockets.Server.Tests.SocketIO;

namespace TypedSockets.Server.Tests.RateLimiting;

/// <summary>Issue 15: connections per IP and the handshake limiter, on a real Kestrel host (every client is 127.0.0.1).</summary>
[Collection(EngineIOCollection.Name)]
public class HandshakeLimitTests
{
    [Fact]
    public async Task ConnectionsPastMaxConnectionsPerIpAreRefusedAndAcceptedAgainAfterOneCloses()
    {
        using var metrics = new HandshakesLimitedListener();
        var logs = new RecordingLoggerProvider();
        await using var host = await Host.StartAsync(o => o.MaxConnectionsPerIp = 2, logs);
        var client = host.Client;

        var first = await client.OpenPollingAsync();
        var (socket, _) = await client.OpenWebSocketAsync();

        using (var refused = await client.Http.GetAsync(client.PollingUrl()))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("{\"code\":4,\"message\":\"Too many connections\"}", await refused.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await client.ConnectWebSocketExpectingRefusalAsync("EIO=4&transport=websocket"));
        Assert.Equal(2, host.Server.Count);
        Assert.Equal(2, metrics.Count("connections_per_ip"));
        Assert.Single(logs.Entries, e => e.Id == 60);

        // The client closes its polling session: its slot is free again.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(first, "1")).Status);
        await SocketIOServerTests.WaitUntil(() => host.Server.Count == 1);
        var again = await client.OpenPollingAsync();
        Assert.NotEqual(first, again);

        using (var refused = await client.Http.GetAsync(client.PollingUrl()))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        Assert.Equal(2, logs.Entries.Count(e => e.Id == 60)); // logged again: the address went under its limit in between
        socket.Dispose();
    }

    [Fact]
    public async Task AnUpgradeIsNotANewConnection()
    {
        await using var host = await Host.StartAsync(o => o.MaxConnectionsPerIp = 1, null);
        var client = host.Client;
        var sid = await client.OpenPollingAsync();

        using var socket = await client.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");
        await EngineIOTestClient.SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await EngineIOTestClient.ReceiveTextAsync(socket));
        Assert.Equal(1, host.Server.Count);
    }

    [Fact]
    public async Task TheHandshakeLimiterRefusesWith429AndRetryAfter()
    {
        using var metrics = new HandshakesLimitedListener();
        using var limiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "none",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1) }));
        await using var host = await Host.StartAsync(o => o.HandshakeLimiter = limiter, null);
        var client = host.Client;

        await client.OpenPollingAsync();
        using (var refused = await client.Http.GetAsync(client.PollingUrl()))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("{\"code\":4,\"message\":\"Too many handshakes\"}", await refused.Content.ReadAsStringAsync());
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await client.ConnectWebSocketExpectingRefusalAsync("EIO=4&transport=websocket"));
        Assert.Equal(2, metrics.Count("handshake_rate"));
        Assert.Equal(1, host.Server.Count);
    }

    [Fact]
    public void MaxConnectionsPerIpMustBePositive()
    {
        using var loggers = LoggerFactory.Create(_ => { });
        Assert.Throws<ArgumentException>(() => new EngineIOServer(new EngineIOOptions { MaxConnectionsPerIp = 0 }, new RecordingHandler(), loggers));
    }

    [Fact]
    public void IPv4MappedAddressesCountAsTheirIPv4Address()
    {
        var counter = new EngineConnectionsPerIp(1);
        Assert.True(counter.TryAcquire(EngineConnectionsPerIp.KeyOf(IPAddress.Parse("::ffff:10.0.0.1"))!, out _));
        Assert.False(counter.TryAcquire(EngineConnectionsPerIp.KeyOf(IPAddress.Parse("10.0.0.1"))!, out var first));
        Assert.True(first);
        Assert.False(counter.TryAcquire(IPAddress.Parse("10.0.0.1"), out first));
        Assert.False(first);
        counter.Release(IPAddress.Parse("10.0.0.1"));
        Assert.Equal(0, counter.CountOf(IPAddress.Parse("10.0.0.1")));
        Assert.Null(EngineConnectionsPerIp.KeyOf(null));
    }

    /// <summary>A Kestrel host with an Engine.IO server the test can see.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Host(WebApplication app, EngineIOServer server, Uri address)
        {
            _app = app;
            Server = server;
            Client = new EngineIOTestClient(address);
        }

        public EngineIOServer Server { get; }

        public EngineIOTestClient Client { get; }

        public static async Task<Host> StartAsync(Action<EngineIOOptions> configure, ILoggerProvider? logs)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }

            var app = builder.Build();
            var options = new EngineIOOptions();
            configure(options);
            var server = new EngineIOServer(options, new RecordingHandler(), app.Services.GetRequiredService<ILoggerFactory>());
            app.MapEngineIOServer("/engine.io", server);
            await app.StartAsync();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
            return new Host(app, server, new Uri(addresses.Addresses.First()));
        }

        public async ValueTask DisposeAsync()
        {
            Server.CloseAll();
            Client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Sums <c>typedsockets.server.handshakes.limited</c> by its <c>limit</c> tag.</summary>
internal sealed class HandshakesLimitedListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _perIp;
    private long _rate;

    public HandshakesLimitedListener()
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TypedSocketsTelemetry.ServerMeterName && instrument.Name == "typedsockets.server.handshakes.limited")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "limit")
                {
                    Interlocked.Add(ref (string?)tag.Value == "handshake_rate" ? ref _rate : ref _perIp, value);
                }
            }
        });
        _listener.Start();
    }

    public long Count(string limit) => limit == "handshake_rate" ? Interlocked.Read(ref _rate) : Interlocked.Read(ref _perIp);

    public void Dispose() => _listener.Dispose();
}
