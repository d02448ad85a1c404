using System.Diagnostics;
using TypedSockets.LoadTest.Measurement;
using TypedSockets.LoadTest.Protocols;
using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Scenarios;

/// <summary>
/// (b) Fan-out, closed loop: client 0 asks the server to broadcast; the server sends the message to all N clients;
/// when every client has it, the next broadcast is asked for. Delivery latency runs from the request to each receipt.
/// A round that does not complete within 10 s ends the run and counts the missing deliveries as failures.
/// </summary>
public sealed class FanOutScenario : IClientEvents
{
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(10);
    private readonly ScenarioOptions _options;
    private readonly TargetProtocol _protocol;
    private readonly LatencyRecorder _latency = new();
    private readonly SemaphoreSlim _roundDone = new(0);
    private LoadClient[] _clients = [];
    private volatile bool _running;
    private volatile bool _measuring;
    private long _roundStart;
    private int _received;
    private long _rounds;
    private long _deliveries;

    public FanOutScenario(ScenarioOptions options)
    {
        _options = options;
        _protocol = TargetProtocol.Create(options.Protocol, options.PayloadBytes);
    }

    public async Task<ScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        using var probe = new ServerProbe(_options.ServerPid, _options.StatsUri);
        var pool = await ClientPool.ConnectAsync(_options, _protocol, this, _options.Clients, 0, cancellationToken).ConfigureAwait(false);
        _clients = pool.Clients;
        if (pool.FirstError is { } error)
        {
            Console.Error.WriteLine($"fanout: {pool.Failures} connection(s) failed, first: {error}");
        }

        long missing = 0;
        double? cpuBefore = null;
        double? cpuAfter = null;
        double clientCpuBefore = 0;
        double? clientCpu = null;
        var elapsed = TimeSpan.Zero;
        if (_clients.Length > 0)
        {
            _running = true;
            StartRound();
            var warmupEnd = Stopwatch.GetTimestamp() + (long)(_options.Warmup.TotalSeconds * Stopwatch.Frequency);
            long measureEnd = 0;
            long started = 0;
            while (true)
            {
                if (!await _roundDone.WaitAsync(RoundTimeout, cancellationToken).ConfigureAwait(false))
                {
                    missing = _clients.Length - Volatile.Read(ref _received);
                    Console.Error.WriteLine($"fanout: a broadcast reached only {Volatile.Read(ref _received)} of {_clients.Length} clients in {RoundTimeout.TotalSeconds} s");
                    break;
                }

                var now = Stopwatch.GetTimestamp();
                if (!_measuring && measureEnd == 0 && now >= warmupEnd)
                {
                    _latency.Reset();
                    Interlocked.Exchange(ref _deliveries, 0);
                    cpuBefore = probe.CpuSeconds();
                    clientCpuBefore = ServerProbe.ClientCpuSeconds();
                    started = now;
                    measureEnd = now + (long)(_options.Duration.TotalSeconds * Stopwatch.Frequency);
                    _measuring = true;
                }
                else if (_measuring && now >= measureEnd)
                {
                    _measuring = false;
                    elapsed = Stopwatch.GetElapsedTime(started, now);
                    cpuAfter = probe.CpuSeconds();
                    clientCpu = ServerProbe.ClientCpuSeconds() - clientCpuBefore;
                    break;
                }

                StartRound();
            }

            _running = false;
        }

        ClientPool.CloseAll(_clients);
        var percentiles = _latency.Percentiles();
        return new ScenarioResult
        {
            Target = _options.Target,
            Scenario = "fanout",
            Mode = "closed",
            Clients = _options.Clients,
            Repeat = _options.Repeat,
            Connected = _clients.Length,
            Failures = pool.Failures + missing,
            Operations = missing > 0 ? 0 : Interlocked.Read(ref _deliveries),
            Seconds = elapsed.TotalSeconds,
            P50Us = percentiles?.P50,
            P99Us = percentiles?.P99,
            P999Us = percentiles?.P999,
            ServerCpuSeconds = cpuAfter - cpuBefore,
            ClientCpuSeconds = clientCpu,
            LoadAverage = ServerProbe.LoadAverage(),
        };
    }

    /// <summary>Broadcast rounds completed (all clients reached), warm-up included.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    public void OnTick(LoadClient client)
    {
        var now = Stopwatch.GetTimestamp();
        if (_measuring)
        {
            _latency.RecordSince(Volatile.Read(ref _roundStart), now);
            Interlocked.Increment(ref _deliveries);
        }

        if (Interlocked.Increment(ref _received) == _clients.Length)
        {
            Interlocked.Increment(ref _rounds);
            _roundDone.Release();
        }
    }

    public void OnEchoReply(LoadClient client)
    {
    }

    public void OnClosed(LoadClient client, Exception? error)
    {
        if (_running)
        {
            Console.Error.WriteLine($"fanout: client {client.Index} closed: {error?.Message ?? "by the server"}");
        }
    }

    private void StartRound()
    {
        Volatile.Write(ref _received, 0);
        Volatile.Write(ref _roundStart, Stopwatch.GetTimestamp());
        _clients[0].Send(_protocol.BroadcastFrame);
    }
}
