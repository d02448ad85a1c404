using Microsoft.Extensions.DependencyInjection;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server.Tests.SocketIO;

/// <summary>The per-connection DI scopes are created on first use and still disposed at the end.</summary>
public sealed class LazyServiceScopeTests
{
    private sealed class Tracked : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private sealed class AsyncTracked : IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    private static ServiceProvider BuildRoot() =>
        new ServiceCollection()
            .AddScoped<Tracked>()
            .AddScoped<AsyncTracked>()
            .AddKeyedScoped<Tracked>("k")
            .BuildServiceProvider();

    [Fact]
    public async Task NoScopeIsCreatedUntilAServiceIsResolved()
    {
        await using var root = BuildRoot();
        var scope = new LazyServiceScope(root.GetRequiredService<IServiceScopeFactory>());
        Assert.False(scope.IsCreated);
        Assert.Same(scope, scope.GetService(typeof(IServiceProvider)));
        Assert.False(scope.IsCreated);

        var a = scope.GetRequiredService<Tracked>();
        Assert.True(scope.IsCreated);
        Assert.Same(a, scope.GetRequiredService<Tracked>());
        Assert.NotSame(a, root.CreateScope().ServiceProvider.GetRequiredService<Tracked>());
    }

    [Fact]
    public async Task DisposeDisposesTheScopedServicesAndLaterResolutionsThrow()
    {
        await using var root = BuildRoot();
        var scope = new LazyServiceScope(root.GetRequiredService<IServiceScopeFactory>());
        var sync = scope.GetRequiredService<Tracked>();
        var async = scope.GetRequiredService<AsyncTracked>();
        var keyed = scope.GetRequiredKeyedService<Tracked>("k");
        Assert.NotSame(sync, keyed);

        await scope.DisposeAsync();
        Assert.True(sync.Disposed);
        Assert.True(async.Disposed);
        Assert.True(keyed.Disposed);
        Assert.False(scope.IsCreated);
        Assert.Throws<ObjectDisposedException>(() => scope.GetService<Tracked>());
        await scope.DisposeAsync(); // twice is harmless
    }

    [Fact]
    public async Task DisposingAnUnusedScopeCreatesNothingAndLaterResolutionsThrow()
    {
        await using var root = BuildRoot();
        var scope = new LazyServiceScope(root.GetRequiredService<IServiceScopeFactory>());
        await scope.DisposeAsync();
        Assert.False(scope.IsCreated);
        Assert.Throws<ObjectDisposedException>(() => scope.GetService<Tracked>());
    }

    [Fact]
    public async Task ConcurrentFirstResolutionsShareOneScope()
    {
        await using var root = BuildRoot();
        for (var round = 0; round < 50; round++)
        {
            var scope = new LazyServiceScope(root.GetRequiredService<IServiceScopeFactory>());
            using var start = new Barrier(4);
            var resolved = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                return scope.GetRequiredService<Tracked>();
            })));
            Assert.All(resolved, t => Assert.Same(resolved[0], t));
            await scope.DisposeAsync();
            Assert.True(resolved[0].Disposed);
        }
    }

    [Fact]
    public async Task ASocketThatResolvesNothingGetsNoScopeAndOneThatDoesHasItDisposedOnDisconnect()
    {
        await using var host = new SocketIOTestHost(configureServices: s => s.AddScoped<Tracked>());
        var sockets = new System.Collections.Concurrent.ConcurrentQueue<SocketIOSocket>();
        var resolved = new TaskCompletionSource<Tracked>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.OnConnection(s =>
        {
            sockets.Enqueue(s);
            s.On("resolve", _ => resolved.TrySetResult(s.Services.GetRequiredService<Tracked>()));
        });

        var (idle, _) = await host.JoinAsync();
        var (busy, _) = await host.JoinAsync();
        await SocketIOServerTests.WaitUntil(() => sockets.Count == 2);
        var idleSocket = sockets.First();
        var busySocket = sockets.Last();
        Assert.False(((LazyServiceScope)idleSocket.Services).IsCreated);
        Assert.False(((LazyServiceScope)busySocket.Services).IsCreated);

        busy.Receive("2[\"resolve\"]");
        var service = await resolved.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(((LazyServiceScope)busySocket.Services).IsCreated);
        Assert.False(service.Disposed);

        busy.Close(EngineCloseReasons.TransportClose);
        idle.Close(EngineCloseReasons.TransportClose);
        await SocketIOServerTests.WaitUntil(() => service.Disposed);
        await SocketIOServerTests.WaitUntil(() => !busySocket.Connected && !idleSocket.Connected);
        Assert.Throws<ObjectDisposedException>(() => busySocket.Services.GetService<Tracked>());
        await SocketIOServerTests.WaitUntil(() => Throws(() => idleSocket.Services.GetService<Tracked>()));
        Assert.False(((LazyServiceScope)idleSocket.Services).IsCreated);
    }

    private static bool Throws(Action action)
    {
        try
        {
            action();
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }
}
