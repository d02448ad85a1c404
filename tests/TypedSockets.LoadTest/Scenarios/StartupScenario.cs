using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using TypedSockets.LoadTest.Measurement;
using TypedSockets.LoadTest.Protocols;
using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Scenarios;

/// <summary>
/// (e) Startup: the scenario starts the server process itself (<see cref="ScenarioOptions.ServerCommand"/>) and times
/// everything from that moment: the first answered protocol handshake (a client retries from the process start until
/// one succeeds), the server's CPU time and RSS at that moment, then either
/// <list type="bullet">
/// <item><description><c>idle</c>: N connections held for <see cref="ScenarioOptions.Settle"/> and the RSS with them, or</description></item>
/// <item><description><c>echo</c>: N closed-loop echo clients until <see cref="ScenarioOptions.Duration"/> after the process
/// start, with round-trips, server CPU and load-tool CPU counted per second since the process start (the tiering
/// curve of a JIT build).</description></item>
/// </list>
/// The server process is killed at the end. <see cref="ScenarioOptions.PublishDirectory"/>, when given, is measured as the
/// deployed size (every file but .pdb and .dbg symbol files).
/// </summary>
public sealed class StartupScenario : IClientEvents
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);
    private readonly ScenarioOptions _options;
    private readonly TargetProtocol _protocol;
    private long[] _buckets = [];
    private long _started;
    private volatile bool _running;

    public StartupScenario(ScenarioOptions options)
    {
        if (options.ServerCommand is not { Count: > 0 })
        {
            throw new ArgumentException("startup: give the server command after '--' (it is started and killed by the scenario).");
        }

        if (options.StartupMode is not ("idle" or "echo"))
        {
            throw new ArgumentException($"startup: unknown --mode '{options.StartupMode}' (idle, echo).");
        }

        _options = options;
        _protocol = TargetProtocol.Create(options.Protocol, options.PayloadBytes);
    }

    public async Task<ScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        var deployBytes = _options.PublishDirectory is { } directory ? DeployedBytes(directory) : (long?)null;
        using var server = new ServerProcess(_options.ServerCommand!);
        _buckets = new long[Math.Max(1, (int)Math.Ceiling(_options.Duration.TotalSeconds))];
        _started = Stopwatch.GetTimestamp();
        server.Start();
        using var probe = new ServerProbe(server.Id, statsUri: null);
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampling = _options.StartupMode == "echo" ? SampleCpuAsync(probe, stopSampling.Token) : null;

        await WaitForFirstHandshakeAsync(server, cancellationToken).ConfigureAwait(false);
        var startupMs = Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
        var startupCpuMs = probe.CpuSeconds() * 1000;
        var rssStart = probe.RssBytes();

        var pool = await ClientPool.ConnectAsync(_options, _protocol, this, _options.Clients, 0, cancellationToken).ConfigureAwait(false);
        var connectedMs = Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
        if (pool.FirstError is { } error)
        {
            Console.Error.WriteLine($"startup: {pool.Failures} connection(s) failed, first: {error}");
        }

        try
        {
            var result = new ScenarioResult
            {
                Target = _options.Target,
                Scenario = "startup",
                Mode = _options.StartupMode,
                Clients = _options.Clients,
                Repeat = _options.Repeat,
                Connected = pool.Clients.Length,
                Failures = pool.Failures,
                StartupMs = startupMs,
                StartupCpuMs = startupCpuMs,
                RssStartBytes = rssStart,
                ConnectedMs = connectedMs,
                DeployBytes = deployBytes,
                LoadAverage = ServerProbe.LoadAverage(),
            };
            if (_options.StartupMode == "idle")
            {
                await Task.Delay(_options.Settle, cancellationToken).ConfigureAwait(false);
                var stillOpen = pool.Clients.Count(c => !c.IsClosed);
                return result with
                {
                    Connected = stillOpen,
                    Failures = pool.Failures + (pool.Clients.Length - stillOpen),
                    RssBytes = probe.RssBytes(),
                    LoadAverage = ServerProbe.LoadAverage(),
                };
            }

            // Closed loop until the last CPU sample, Duration after the process start.
            _running = true;
            foreach (var client in pool.Clients)
            {
                SendEcho(client);
            }

            var (serverCpu, clientCpu) = await sampling!.ConfigureAwait(false);
            _running = false;
            var operations = _buckets.Sum();
            return result with
            {
                Operations = operations,
                Seconds = _options.Duration.TotalSeconds,
                Buckets = _buckets,
                ServerCpuBuckets = serverCpu,
                ClientCpuBuckets = clientCpu,
                RssBytes = probe.RssBytes(),
                LoadAverage = ServerProbe.LoadAverage(),
            };
        }
        finally
        {
            _running = false;
            ClientPool.CloseAll(pool.Clients);
            await stopSampling.CancelAsync().ConfigureAwait(false);
            if (sampling is not null)
            {
                await sampling.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }

    public void OnEchoReply(LoadClient client)
    {
        var now = Stopwatch.GetTimestamp();
        lock (client.Outstanding)
        {
            if (!client.Outstanding.TryDequeue(out _))
            {
                return; // an answer nobody asked for
            }
        }

        var bucket = (now - _started) / Stopwatch.Frequency;
        if (bucket < _buckets.Length)
        {
            Interlocked.Increment(ref _buckets[bucket]);
        }

        if (_running)
        {
            SendEcho(client);
        }
    }

    public void OnTick(LoadClient client)
    {
    }

    public void OnClosed(LoadClient client, Exception? error)
    {
        if (_running)
        {
            Console.Error.WriteLine($"startup: client {client.Index} closed: {error?.Message ?? "by the server"}");
        }
    }

    /// <summary>Every file under <paramref name="directory"/> except debug symbols (.pdb, .dbg), in bytes.</summary>
    public static long DeployedBytes(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Extension is not (".pdb" or ".dbg"))
            .Sum(f => f.Length);

    // Server and tool CPU at every bucket boundary from the process start until Duration after it, in cores per second.
    private async Task<(double[] Server, double[] Client)> SampleCpuAsync(ServerProbe probe, CancellationToken cancellationToken)
    {
        var serverCpu = new double[_buckets.Length];
        var clientCpu = new double[_buckets.Length];
        var (lastServer, lastClient, lastTime) = (0.0, ServerProbe.ClientCpuSeconds(), _started);
        for (var boundary = 1; boundary <= _buckets.Length; boundary++)
        {
            var wait = TimeSpan.FromSeconds(boundary) - Stopwatch.GetElapsedTime(_started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            var now = Stopwatch.GetTimestamp();
            var seconds = (double)(now - lastTime) / Stopwatch.Frequency;
            var server = probe.CpuSeconds() ?? lastServer;
            var client = ServerProbe.ClientCpuSeconds();
            serverCpu[boundary - 1] = (server - lastServer) / seconds;
            clientCpu[boundary - 1] = (client - lastClient) / seconds;
            (lastServer, lastClient, lastTime) = (server, client, now);
        }

        return (serverCpu, clientCpu);
    }

    private void SendEcho(LoadClient client)
    {
        lock (client.Outstanding)
        {
            client.Outstanding.Enqueue(0);
        }

        client.Send(_protocol.EchoFrame);
    }

    // One client at a time from the process start until a handshake is answered; a refused connection is retried at once.
    private async Task WaitForFirstHandshakeAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        string? lastError = null;
        while (Stopwatch.GetElapsedTime(_started) < StartupTimeout)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"startup: the server exited with code {server.ExitCode} before it answered a handshake:\n{server.Output}");
            }

            var probeClient = new LoadClient(-1, _protocol, this);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.ConnectTimeout);
                await probeClient.ConnectAsync(_options.SourceAddress(0), _options.Server, timeout.Token).ConfigureAwait(false);
                await probeClient.Ready.WaitAsync(timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is SocketException or IOException && !cancellationToken.IsCancellationRequested)
            {
                lastError = ex.Message;
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                probeClient.Close();
            }
        }

        throw new TimeoutException($"startup: no handshake answered within {StartupTimeout.TotalSeconds:F0} s (last error: {lastError}):\n{server.Output}");
    }

    /// <summary>The server under test: started from a command line, its output kept for error messages, killed on dispose.</summary>
    private sealed class ServerProcess(IReadOnlyList<string> command) : IDisposable
    {
        private const int MaxOutput = 16 * 1024;
        private readonly StringBuilder _output = new();
        private Process? _process;

        public int Id => _process!.Id;

        public bool HasExited => _process!.HasExited;

        public int ExitCode => _process!.ExitCode;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public void Start()
        {
            var start = new ProcessStartInfo(command[0])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in command.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            _process = Process.Start(start) ?? throw new InvalidOperationException($"startup: could not start '{command[0]}'.");
            _process.OutputDataReceived += (_, e) => Keep(e.Data);
            _process.ErrorDataReceived += (_, e) => Keep(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public void Dispose()
        {
            if (_process is null)
            {
                return;
            }

            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
            _process.Dispose();
        }

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                if (_output.Length < MaxOutput)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
