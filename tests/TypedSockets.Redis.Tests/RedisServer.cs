using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TypedSockets.Redis.Tests;

/// <summary>
/// A real redis-server on a free port, without persistence (<c>--save "" --appendonly no</c>); killed on dispose.
/// <see cref="KillAsync"/> and <see cref="StartAsync"/> simulate a Redis restart on the same port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The node-redis URL.</summary>
    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisServer> StartNewAsync()
    {
        var server = new RedisServer(FreePort());
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed (Debian: apt-get install -y redis-server).", e);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"redis-server exited with {_process.ExitCode} on port {Port}.");
                }

                await Task.Delay(20);
            }
        }

        throw new TimeoutException($"redis-server did not listen on port {Port} within 10 s.");
    }

    /// <summary>Kills the server (SIGKILL: no goodbye to clients) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
