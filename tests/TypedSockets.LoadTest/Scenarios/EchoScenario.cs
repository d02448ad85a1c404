using System.Diagnostics;
using TypedSockets.LoadTest.Measurement;
using TypedSockets.LoadTest.Protocols;
using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Scenarios;

/// <summary>
/// (a) Echo with an acknowledgement. Closed loop: every client keeps exactly one request outstanding and sends the
/// next one when the answer arrives. At a rate: requests are scheduled evenly over the clients and latency counts
/// from the scheduled time (no coordinated omission).
/// </summary>
public sealed class EchoScenario : IClientEvents
{
    private readonly ScenarioOptions _options;
    private readonly TargetProtocol _protocol;
    private readonly LatencyRecorder _latency = new();
    private volatile bool _running;
    private volatile bool _measuring;
    private long _lost;

    public EchoScenario(ScenarioOptions options)
    {
        _options = options;
        _protocol = TargetProtocol.Create(options.Protocol, options.PayloadBytes);
    }

    public async Task<ScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        using var probe = new ServerProbe(_options.ServerPid, _options.StatsUri);
        var pool = await ClientPool.ConnectAsync(_options, _protocol, this, _options.Clients, 0, cancellationToken).ConfigureAwait(false);
        var clients = pool.Clients;
        if (pool.FirstError is { } error)
        {
            Console.Error.WriteLine($"echo: {pool.Failures} connection(s) failed, first: {error}");
        }

        _running = true;
        Thread? driver = null;
        if (_options.Rate <= 0)
        {
            foreach (var client in clients)
            {
                SendEcho(client, Stopwatch.GetTimestamp());
            }
        }
        else if (clients.Length > 0)
        {
            driver = new Thread(() => DriveAtRate(clients)) { IsBackground = true, Name = "echo-rate" };
            driver.Start();
        }

        await Task.Delay(_options.Warmup, cancellationToken).ConfigureAwait(false);
        _latency.Reset();
        _measuring = true;
        var cpuBefore = probe.CpuSeconds();
        var clientCpuBefore = ServerProbe.ClientCpuSeconds();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(_options.Duration, cancellationToken).ConfigureAwait(false);
        _measuring = false;
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpuAfter = probe.CpuSeconds();
        var clientCpu = ServerProbe.ClientCpuSeconds() - clientCpuBefore;
        var operations = _latency.Count;
        _running = false;
        driver?.Join();

        // Let the answers in flight come back, then count what never did.
        var drainUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
        while (Stopwatch.GetTimestamp() < drainUntil && Outstanding(clients) > 0)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        var lost = Outstanding(clients) + Interlocked.Read(ref _lost);
        ClientPool.CloseAll(clients);
        var percentiles = _latency.Percentiles();
        return new ScenarioResult
        {
            Target = _options.Target,
            Scenario = "echo",
            Mode = _options.Rate <= 0 ? "closed" : $"rate={_options.Rate}",
            Clients = _options.Clients,
            Repeat = _options.Repeat,
            Connected = clients.Length,
            Failures = pool.Failures + lost,
            Operations = operations,
            Seconds = elapsed.TotalSeconds,
            P50Us = percentiles?.P50,
            P99Us = percentiles?.P99,
            P999Us = percentiles?.P999,
            ServerCpuSeconds = cpuAfter - cpuBefore,
            ClientCpuSeconds = clientCpu,
            LoadAverage = ServerProbe.LoadAverage(),
        };
    }

    public void OnEchoReply(LoadClient client)
    {
        var now = Stopwatch.GetTimestamp();
        long sent;
        lock (client.Outstanding)
        {
            if (!client.Outstanding.TryDequeue(out sent))
            {
                return; // an answer nobody asked for
            }
        }

        if (_measuring)
        {
            _latency.RecordSince(sent, now);
        }

        if (_running && _options.Rate <= 0)
        {
            SendEcho(client, now);
        }
    }

    public void OnTick(LoadClient client)
    {
    }

    public void OnClosed(LoadClient client, Exception? error)
    {
        if (_running)
        {
            Console.Error.WriteLine($"echo: client {client.Index} closed: {error?.Message ?? "by the server"}");
        }
    }

    private void SendEcho(LoadClient client, long timestamp)
    {
        lock (client.Outstanding)
        {
            client.Outstanding.Enqueue(timestamp);
        }

        client.Send(_protocol.EchoFrame);
    }

    private void DriveAtRate(LoadClient[] clients)
    {
        var ticksPerRequest = (double)Stopwatch.Frequency / _options.Rate;
        var start = Stopwatch.GetTimestamp();
        long sent = 0;
        var next = 0;
        while (_running)
        {
            var due = (long)((Stopwatch.GetTimestamp() - start) / ticksPerRequest);
            for (; sent < due && _running; sent++)
            {
                var client = clients[next];
                next = (next + 1) % clients.Length;
                if (client.IsClosed)
                {
                    Interlocked.Increment(ref _lost);
                    continue;
                }

                SendEcho(client, start + (long)(sent * ticksPerRequest));
            }

            Thread.Sleep(1);
        }
    }

    private static long Outstanding(LoadClient[] clients)
    {
        long count = 0;
        foreach (var client in clients)
        {
            if (client.IsClosed)
            {
                continue;
            }

            lock (client.Outstanding)
            {
                count += client.Outstanding.Count;
            }
        }

        return count;
    }
}
