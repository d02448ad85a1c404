using TypedSockets.LoadTest.Measurement;
using TypedSockets.LoadTest.Protocols;
using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Scenarios;

/// <summary>
/// (d) Connect storm: N clients connect as fast as the server takes them (ConnectConcurrency handshakes in flight),
/// each through TCP, the WebSocket upgrade and the protocol handshake. Handshakes/s, failures, server CPU.
/// </summary>
public sealed class ConnectStormScenario : IClientEvents
{
    private readonly ScenarioOptions _options;

    public ConnectStormScenario(ScenarioOptions options)
    {
        _options = options;
    }

    public async Task<ScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        using var probe = new ServerProbe(_options.ServerPid, _options.StatsUri);
        var protocol = TargetProtocol.Create(_options.Protocol, _options.PayloadBytes);
        var cpuBefore = probe.CpuSeconds();
        var clientCpuBefore = ServerProbe.ClientCpuSeconds();
        var pool = await ClientPool.ConnectAsync(_options, protocol, this, _options.Clients, 0, cancellationToken).ConfigureAwait(false);
        var cpuAfter = probe.CpuSeconds();
        var clientCpu = ServerProbe.ClientCpuSeconds() - clientCpuBefore;
        if (pool.FirstError is { } error)
        {
            Console.Error.WriteLine($"storm: {pool.Failures} connection(s) failed, first: {error}");
        }

        ClientPool.CloseAll(pool.Clients);
        return new ScenarioResult
        {
            Target = _options.Target,
            Scenario = "storm",
            Mode = $"concurrency={_options.ConnectConcurrency}",
            Clients = _options.Clients,
            Repeat = _options.Repeat,
            Connected = pool.Clients.Length,
            Failures = pool.Failures,
            Operations = pool.Clients.Length,
            Seconds = pool.Elapsed.TotalSeconds,
            ServerCpuSeconds = cpuAfter - cpuBefore,
            ClientCpuSeconds = clientCpu,
            LoadAverage = ServerProbe.LoadAverage(),
        };
    }

    public void OnEchoReply(LoadClient client)
    {
    }

    public void OnTick(LoadClient client)
    {
    }

    public void OnClosed(LoadClient client, Exception? error)
    {
    }
}
