using System.Diagnostics;
using System.Globalization;
using TypedSockets.LoadTest.Measurement;
using TypedSockets.LoadTest.Protocols;
using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Scenarios;

/// <summary>
/// (c) Idle: hold N connections and read the server's RSS and managed heap (after a full GC) before and after;
/// the difference divided by the connections held is the cost of one idle connection. Above
/// <see cref="ScenarioOptions.ConnectionsPerProcess"/> the connections are opened by child processes
/// (the <c>hold</c> command), so no process passes the per-process file limit.
/// </summary>
public sealed class IdleScenario : IClientEvents
{
    private readonly ScenarioOptions _options;

    public IdleScenario(ScenarioOptions options)
    {
        _options = options;
    }

    public async Task<ScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        using var probe = new ServerProbe(_options.ServerPid, _options.StatsUri);

        // A first wave that is closed again, so that code loaded and compiled for the first connections is not
        // counted as the cost of the connections measured.
        var warmup = Math.Min(200, Math.Max(1, _options.Clients / 10));
        var protocol = TargetProtocol.Create(_options.Protocol, _options.PayloadBytes);
        var firstWave = await ClientPool.ConnectAsync(_options with { Clients = warmup }, protocol, this, warmup, 0, cancellationToken).ConfigureAwait(false);
        ClientPool.CloseAll(firstWave.Clients);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);

        var heapBefore = await probe.ManagedHeapAsync().ConfigureAwait(false);
        var rssBefore = probe.RssBytes();

        var holders = new List<IConnectionHolder>();
        try
        {
            var processes = (_options.Clients + _options.ConnectionsPerProcess - 1) / _options.ConnectionsPerProcess;
            if (processes <= 1)
            {
                holders.Add(new LocalHolder(_options, this));
            }
            else
            {
                var share = (_options.Clients + processes - 1) / processes;
                for (var first = 0; first < _options.Clients; first += share)
                {
                    holders.Add(new ChildHolder(_options, first, Math.Min(share, _options.Clients - first)));
                }
            }

            var results = await Task.WhenAll(holders.Select(h => h.OpenAsync(cancellationToken))).ConfigureAwait(false);
            var connected = results.Sum(r => r.Connected);
            var failures = results.Sum(r => r.Failures);
            await Task.Delay(_options.Settle, cancellationToken).ConfigureAwait(false);

            var heapAfter = await probe.ManagedHeapAsync().ConfigureAwait(false);
            var rssAfter = probe.RssBytes();
            var stillOpen = holders.Sum(h => h.StillOpen);
            return new ScenarioResult
            {
                Target = _options.Target,
                Scenario = "idle",
                Mode = "hold",
                Clients = _options.Clients,
                Repeat = _options.Repeat,
                Connected = stillOpen < 0 ? connected : stillOpen,
                Failures = failures + (stillOpen < 0 ? 0 : connected - stillOpen),
                Operations = connected,
                RssBytesPerConnection = connected > 0 ? (double?)(rssAfter - rssBefore) / connected : null,
                HeapBytesPerConnection = connected > 0 ? (double?)(heapAfter - heapBefore) / connected : null,
                LoadAverage = ServerProbe.LoadAverage(),
            };
        }
        finally
        {
            foreach (var holder in holders)
            {
                holder.Dispose();
            }
        }
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

    /// <summary>The <c>hold</c> command of a child process: open the share, report, hold until told or timed out.</summary>
    public static async Task<int> HoldAsync(ScenarioOptions options, int firstIndex, TimeSpan maxHold)
    {
        var events = new IdleScenario(options);
        var protocol = TargetProtocol.Create(options.Protocol, options.PayloadBytes);
        var pool = await ClientPool.ConnectAsync(options, protocol, events, options.Clients, firstIndex, CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"READY {pool.Clients.Length} {pool.Failures}"));
        Console.Out.Flush();
        var holdStarted = Stopwatch.GetTimestamp();
        var stop = Task.Run(() => Console.In.ReadLine());
        while (!stop.IsCompleted)
        {
            if (await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false) != stop)
            {
                if (Stopwatch.GetElapsedTime(holdStarted) > maxHold)
                {
                    break;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"OPEN {pool.Clients.Count(c => !c.IsClosed)}"));
                Console.Out.Flush();
            }
        }

        ClientPool.CloseAll(pool.Clients);
        return 0;
    }

    private interface IConnectionHolder : IDisposable
    {
        /// <summary>Connections still open now, or -1 when unknown.</summary>
        int StillOpen { get; }

        Task<(int Connected, int Failures)> OpenAsync(CancellationToken cancellationToken);
    }

    private sealed class LocalHolder(ScenarioOptions options, IClientEvents events) : IConnectionHolder
    {
        private LoadClient[] _clients = [];

        public int StillOpen => _clients.Count(c => !c.IsClosed);

        public async Task<(int Connected, int Failures)> OpenAsync(CancellationToken cancellationToken)
        {
            var protocol = TargetProtocol.Create(options.Protocol, options.PayloadBytes);
            var pool = await ClientPool.ConnectAsync(options, protocol, events, options.Clients, 0, cancellationToken).ConfigureAwait(false);
            if (pool.FirstError is { } error)
            {
                Console.Error.WriteLine($"idle: {pool.Failures} connection(s) failed, first: {error}");
            }

            _clients = pool.Clients;
            return (_clients.Length, pool.Failures);
        }

        public void Dispose() => ClientPool.CloseAll(_clients);
    }

    /// <summary>A child load-tool process running <c>hold</c> for one share of the connections.</summary>
    private sealed class ChildHolder(ScenarioOptions options, int firstIndex, int count) : IConnectionHolder
    {
        private Process? _process;
        private volatile int _open = -1;

        public int StillOpen => _open;

        public async Task<(int Connected, int Failures)> OpenAsync(CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            var self = Environment.ProcessPath!;
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                start.ArgumentList.Add(typeof(IdleScenario).Assembly.Location);
            }

            start.FileName = self;
            foreach (var argument in new[]
            {
                "hold", "--protocol", options.Protocol, "--target", options.Target,
                "--host", options.Server.Address.ToString(), "--port", options.Server.Port.ToString(CultureInfo.InvariantCulture),
                "--clients", count.ToString(CultureInfo.InvariantCulture), "--first", firstIndex.ToString(CultureInfo.InvariantCulture),
                "--sources", options.Sources.ToString(CultureInfo.InvariantCulture),
                "--connect-concurrency", options.ConnectConcurrency.ToString(CultureInfo.InvariantCulture),
                "--hold", "300",
            })
            {
                start.ArgumentList.Add(argument);
            }

            _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a child load-tool process.");
            while (true)
            {
                var line = await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("A child load-tool process ended before it was ready.");
                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    var connected = int.Parse(parts[1], CultureInfo.InvariantCulture);
                    _open = connected;
                    _ = ReadStatusAsync(_process);
                    return (connected, int.Parse(parts[2], CultureInfo.InvariantCulture));
                }
            }
        }

        public void Dispose()
        {
            if (_process is null)
            {
                return;
            }

            try
            {
                _process.StandardInput.WriteLine("STOP");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    _process.Kill();
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                // The child is gone already.
            }

            _process.Dispose();
        }

        private async Task ReadStatusAsync(Process process)
        {
            try
            {
                while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
                {
                    if (line.StartsWith("OPEN ", StringComparison.Ordinal))
                    {
                        _open = int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The child ended.
            }
        }
    }
}
