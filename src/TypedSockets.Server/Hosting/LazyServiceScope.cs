using Microsoft.Extensions.DependencyInjection;

namespace TypedSockets.Server;

/// <summary>
/// A DI scope that is created on the first service resolved from it, so an idle connection that never resolves
/// anything does not hold a scope. Thread safe: concurrent first resolutions agree on one scope (a loser's empty
/// scope is disposed at once). <see cref="DisposeAsync"/> disposes the scope if it was created; resolving afterwards
/// throws <see cref="ObjectDisposedException"/>, as a disposed scope does. Resolving <see cref="IServiceProvider"/>
/// gives this provider, as a real scope gives itself.
/// </summary>
internal sealed class LazyServiceScope : IServiceProvider, IKeyedServiceProvider, ISupportRequiredService, IAsyncDisposable
{
    private static readonly IServiceScope s_disposed = new DisposedScope();

    private readonly IServiceScopeFactory _factory;
    private IServiceScope? _scope; // null until first use; s_disposed once disposed

    public LazyServiceScope(IServiceScopeFactory factory)
    {
        _factory = factory;
    }

    /// <summary>True once a real scope has been created (tests and diagnostics).</summary>
    internal bool IsCreated => Volatile.Read(ref _scope) is { } scope && !ReferenceEquals(scope, s_disposed);

    private IServiceProvider Provider
    {
        get
        {
            var scope = Volatile.Read(ref _scope) ?? Create();
            if (ReferenceEquals(scope, s_disposed))
            {
                throw new ObjectDisposedException(nameof(IServiceProvider));
            }

            return scope.ServiceProvider;
        }
    }

    public object? GetService(Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceType == typeof(IServiceProvider) ? this : Provider.GetService(serviceType);
    }

    public object GetRequiredService(Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceType == typeof(IServiceProvider) ? this : Provider.GetRequiredService(serviceType);
    }

    public object? GetKeyedService(Type serviceType, object? serviceKey) => Keyed.GetKeyedService(serviceType, serviceKey);

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) => Keyed.GetRequiredKeyedService(serviceType, serviceKey);

    private IKeyedServiceProvider Keyed => Provider as IKeyedServiceProvider
        ?? throw new InvalidOperationException("This service provider doesn't support keyed services.");

    public ValueTask DisposeAsync()
    {
        var scope = Interlocked.Exchange(ref _scope, s_disposed);
        if (scope is null || ReferenceEquals(scope, s_disposed))
        {
            return ValueTask.CompletedTask;
        }

        return new AsyncServiceScope(scope).DisposeAsync();
    }

    private IServiceScope Create()
    {
        var created = _factory.CreateScope();
        var existing = Interlocked.CompareExchange(ref _scope, created, null);
        if (existing is null)
        {
            return created;
        }

        // Another thread created it first, or the scope was disposed meanwhile: drop ours (nothing was resolved from it).
        created.Dispose();
        return existing;
    }

    private sealed class DisposedScope : IServiceScope
    {
        public IServiceProvider ServiceProvider => throw new ObjectDisposedException(nameof(IServiceProvider));

        public void Dispose()
        {
        }
    }
}
