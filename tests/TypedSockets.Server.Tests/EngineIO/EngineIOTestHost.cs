using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server.Tests.EngineIO;

/// <summary>A small Kestrel host on a free loopback port with <c>MapEngineIO</c> and the given handler and options.</summary>
public sealed class EngineIOTestHost : IAsyncDisposable
{
    private EngineIOTestHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new EngineIOTestClient(address);
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public EngineIOTestClient Client { get; }

    public static async Task<EngineIOTestHost> StartAsync(IEngineConnectionHandler handler, Action<EngineIOOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapEngineIO("/engine.io", handler, configure);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return new EngineIOTestHost(app, new Uri(addresses.Addresses.First()));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Records what the engine tells its handler; a hook answers text messages.</summary>
public sealed class RecordingHandler : IEngineConnectionHandler
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<EngineConnection>> _opened = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _closed = new();
    private readonly ConcurrentDictionary<string, int> _closeCalls = new();
    private readonly TaskCompletionSource<EngineConnection> _firstOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called for every text message with its text.</summary>
    public Action<EngineConnection, string>? OnText { get; set; }

    public Task<EngineConnection> FirstOpened => _firstOpened.Task;

    public void OnOpen(EngineConnection connection)
    {
        Opened(connection.Id).TrySetResult(connection);
        _firstOpened.TrySetResult(connection);
    }

    public void OnMessage(EngineConnection connection, in ReadOnlySequence<byte> data, bool isBinary)
    {
        if (!isBinary)
        {
            OnText?.Invoke(connection, Encoding.UTF8.GetString(data.ToArray()));
        }
    }

    public void OnClose(EngineConnection connection, string reason, Exception? error)
    {
        _closeCalls.AddOrUpdate(connection.Id, 1, static (_, count) => count + 1);
        Closed(connection.Id).TrySetResult(reason);
    }

    public Task<EngineConnection> WaitForOpenAsync(string sid) => Opened(sid).Task.WaitAsync(EngineIOTestClient.Timeout);

    public Task<string> WaitForCloseAsync(string sid) => Closed(sid).Task.WaitAsync(EngineIOTestClient.Timeout);

    public int CloseCalls(string sid) => _closeCalls.GetValueOrDefault(sid);

    private TaskCompletionSource<EngineConnection> Opened(string sid) =>
        _opened.GetOrAdd(sid, static _ => new TaskCompletionSource<EngineConnection>(TaskCreationOptions.RunContinuationsAsynchronously));

    private TaskCompletionSource<string> Closed(string sid) =>
        _closed.GetOrAdd(sid, static _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
