using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using TypedSockets.LoadTest.Scenarios;
using TypedSockets.LoadTest.Targets;

namespace TypedSockets.LoadTest.Tests;

/// <summary>A benchmark target on a free loopback port: a .NET target in this process, or the Node script as a child.</summary>
internal sealed partial class RunningTarget : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly Process? _node;

    private RunningTarget(string name, string protocol, int port, int pid, WebApplication? app, Process? node)
    {
        Name = name;
        Protocol = protocol;
        Port = port;
        Pid = pid;
        _app = app;
        _node = node;
    }

    public string Name { get; }

    public string Protocol { get; }

    public int Port { get; }

    public int Pid { get; }

    public static async Task<RunningTarget> StartAsync(string name)
    {
        if (name == "node")
        {
            return await StartNodeAsync();
        }

        var parser = name == "typedsockets-msgpack" ? "msgpack" : "json";
        var app = BenchmarkTargets.Build(name == "typedsockets-msgpack" ? "typedsockets" : name, port: 0, parser);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var protocol = name switch
        {
            "typedsockets" => "socketio",
            "typedsockets-msgpack" => "socketio-msgpack",
            _ => name,
        };
        return new RunningTarget(name, protocol, port, Environment.ProcessId, app, null);
    }

    public ScenarioOptions Options(int clients) => new()
    {
        Target = Name,
        Protocol = Protocol,
        Server = new IPEndPoint(IPAddress.Loopback, Port),
        Clients = clients,
        Warmup = TimeSpan.FromMilliseconds(300),
        Duration = TimeSpan.FromSeconds(1),
        Settle = TimeSpan.FromMilliseconds(300),
        Sources = 4,
        ServerPid = Pid,
        StatsUri = new Uri($"http://127.0.0.1:{Port}/stats"),
    };

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_node is not null)
        {
            _node.Kill();
            await _node.WaitForExitAsync();
            _node.Dispose();
        }
    }

    private static async Task<RunningTarget> StartNodeAsync()
    {
        var directory = Path.Combine(RepositoryRoot(), "tests", "TypedSockets.LoadTest.Targets", "node");
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "socket.io")),
            $"npm ci has not been run in {directory} (./test.sh does it for every package-lock.json).");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in new[] { "--expose-gc", "server.mjs", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        var node = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await node.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("node exited before listening");
        var port = int.Parse(PortPattern().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return new RunningTarget("node", "socketio", port, node.Id, null, node);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TypedSockets.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("TypedSockets.sln not found above the test binaries.");
    }

    [GeneratedRegex(@"127\.0\.0\.1:(\d+)")]
    private static partial Regex PortPattern();
}
