using Microsoft.AspNetCore.Builder;
using TypedSockets.ConformanceServer;

namespace TypedSockets.Server.Tests.EngineIO;

/// <summary>The conformance host in Engine.IO mode on a free loopback port, shared by the tests of a class.</summary>
public sealed class ConformanceHostFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public EngineIOTestClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = ConformanceHost.Build(["--port", "0", "--mode", "engineio"]);
        await _app.StartAsync();
        Address = ConformanceHost.GetAddress(_app);
        Client = new EngineIOTestClient(Address);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
