using TypedSockets.Client.Tests.Infrastructure;

namespace TypedSockets.Client.Tests.Interop;

/// <summary>Every client scenario against our own server (TypedSockets.Server, net10.0 only).</summary>
public sealed class DotnetServerScenarioTests : ClientScenarioTests
{
    protected override async Task<IScenarioServer> StartServerAsync(ScenarioServerConfig config) => await DotnetScenarioServer.StartAsync(config);
}
