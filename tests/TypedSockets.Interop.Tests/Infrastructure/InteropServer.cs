using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests.Infrastructure;

/// <summary>
/// Our Socket.IO server in Kestrel on 127.0.0.1, built the way an application builds it
/// (<c>AddTypedSockets</c> + <c>MapSocketIO("/socket.io", ...)</c>) with exactly the handlers a test gives.
/// </summary>
internal sealed class InteropServer : IAsyncDisposable
{
    /// <summary>Short heartbeats so that the tests exercise them, with room for a loaded 2-core machine.</summary>
    public static readonly TimeSpan DefaultPingInterval = TimeSpan.FromMilliseconds(1000);

    public static readonly TimeSpan DefaultPingTimeout = TimeSpan.FromMilliseconds(2000);

    private readonly WebApplication _app;
    private bool _stopped;

    private InteropServer(WebApplication app, SocketIOServer io, Uri url)
    {
        _app = app;
        Io = io;
        Url = url;
    }

    /// <summary>The server's base address, e.g. http://127.0.0.1:41234/ (the client adds /socket.io/).</summary>
    public Uri Url { get; }

    public int Port => Url.Port;

    /// <summary>The Socket.IO server mapped at /socket.io.</summary>
    public SocketIOServer Io { get; }

    /// <summary>
    /// Starts a server on <paramref name="port"/> (0 = any free port). <paramref name="configure"/> registers the
    /// namespaces and handlers; <paramref name="options"/> runs after the test defaults (short heartbeats);
    /// <paramref name="typedSockets"/> adds to the TypedSockets registration (e.g. a Redis adapter);
    /// <paramref name="services"/> adds services (authentication...), <paramref name="endpoint"/> adds endpoint metadata.
    /// </summary>
    public static async Task<InteropServer> StartAsync(
        Action<SocketIOServer> configure,
        ITestOutputHelper? output = null,
        Action<SocketIOServerOptions>? options = null,
        int port = 0,
        Action<ITypedSocketsBuilder>? typedSockets = null,
        Action<IServiceCollection>? services = null,
        Action<IEndpointConventionBuilder>? endpoint = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        if (output is not null)
        {
            builder.Logging.AddProvider(new TestOutputLoggerProvider(output));
        }

        var registration = builder.Services.AddTypedSockets(o =>
        {
            o.PingInterval = DefaultPingInterval;
            o.PingTimeout = DefaultPingTimeout;
            options?.Invoke(o);
        });
        typedSockets?.Invoke(registration);

        services?.Invoke(builder.Services);
        var app = builder.Build();
        SocketIOServer? io = null;
        var mapped = app.MapSocketIO("/socket.io", server =>
        {
            io = server;
            configure(server);
        });
        endpoint?.Invoke(mapped);

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.EndsWith('/') ? address : address + "/");
        output?.WriteLine($"[server] listening on {url}");
        return new InteropServer(app, io!, url);
    }

    /// <summary>Stops Kestrel (and with it every connection) without waiting for clients to leave.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new TestOutputLogger(output, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class TestOutputLogger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"[server {DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}] {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test is over; its output is closed.
            }
        }
    }
}
