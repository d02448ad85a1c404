using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedSockets.Server.Tests.SocketIO;

/// <summary>A SocketIOServer on a real DI container, fed by <see cref="TestEngineConnection"/>s.</summary>
internal sealed class SocketIOTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private int _connections;

    public SocketIOTestHost(Action<SocketIOServerOptions>? configureOptions = null, Action<IServiceCollection>? configureServices = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddTypedSockets();
        configureServices?.Invoke(services);
        _services = services.BuildServiceProvider();
        var options = new SocketIOServerOptions();
        configureOptions?.Invoke(options);
        Server = new SocketIOServer("/socket.io", options, _services);
    }

    public SocketIOServer Server { get; }

    public IServiceProvider Services => _services;

    public TestEngineConnection Connect() => new(Server, _services, "eio" + Interlocked.Increment(ref _connections));

    /// <summary>Opens a connection and joins <paramref name="nsp"/>; returns the connection and the socket id.</summary>
    public async Task<(TestEngineConnection Connection, string SocketId)> JoinAsync(string nsp = "/", string? auth = null)
    {
        var connection = Connect();
        var prefix = nsp == "/" ? string.Empty : nsp + ",";
        connection.Receive("0" + prefix + auth);
        var reply = await connection.NextAsync();
        Assert.StartsWith("0" + prefix + "{\"sid\":\"", reply);
        var sid = reply[(prefix.Length + 9)..^2];
        return (connection, sid);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
