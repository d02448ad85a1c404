using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace TypedSockets.Client.Tests.Infrastructure;

/// <summary>
/// The reference server: <c>node/server.mjs</c> (npm socket.io 4.8.x, pinned by package-lock.json) in its own
/// process. Its packages are installed with <c>npm ci</c> once per test run when node_modules is missing or older
/// than the lock file.
/// </summary>
public sealed class NodeScenarioServer : IScenarioServer
{
    private readonly ScenarioServerConfig _config;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private NodeScenarioServer(ScenarioServerConfig config)
    {
        _config = config;
    }

    public string Name => "node";

    public int Port { get; private set; }

    public Uri Uri => new($"http://127.0.0.1:{Port}");

    /// <summary>What the process wrote (for assertion messages).</summary>
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

    public static async Task<NodeScenarioServer> StartAsync(ScenarioServerConfig config)
    {
        await NodeScripts.EnsurePackagesAsync(RepositoryPaths.NodeScripts);
        var server = new NodeScenarioServer(config);
        await server.StartProcessAsync(0);
        return server;
    }

    public Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is not null)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.WaitForExit(5000);
            process.Dispose();
        }

        return Task.CompletedTask;
    }

    public Task StartAgainAsync() => StartProcessAsync(Port);

    /// <summary>Suspends the process (SIGSTOP): it stops pinging and answering, the sockets stay open.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>Resumes a frozen process (SIGCONT).</summary>
    public Task ThawAsync() => SignalAsync("CONT");

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await ThawAsync();
        }

        await StopAsync();
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    private async Task StartProcessAsync(int port)
    {
        var settings = JsonSerializer.Serialize(new
        {
            port,
            pingInterval = _config.PingIntervalMs,
            pingTimeout = _config.PingTimeoutMs,
            transports = (_config.AllowPolling, _config.AllowWebSocket) switch
            {
                (true, true) => new[] { "polling", "websocket" },
                (true, false) => ["polling"],
                _ => ["websocket"],
            },
            recovery = _config.Recovery,
        });
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.NodeScripts,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("server.mjs");
        start.ArgumentList.Add(settings);
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            Append(e.Data);
            if (e.Data.StartsWith("listening ", StringComparison.Ordinal))
            {
                listening.TrySetResult(int.Parse(e.Data.AsSpan("listening ".Length), System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append(e.Data);
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The Node server exited early.\n{Output}"));
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Cannot start 'node': {e.Message}. The client interop tests need Node.js 20+ and npm on PATH (Debian: apt-get install -y nodejs npm).", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    private void Append(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
