using System.Globalization;
using System.Net;
using System.Text.Json;
using TypedSockets.LoadTest.Measurement;
using TypedSockets.LoadTest.Reporting;
using TypedSockets.LoadTest.Scenarios;

namespace TypedSockets.LoadTest;

public static class Program
{
    private const string Usage = """
        TypedSockets load tool: Socket.IO / SignalR / raw WebSocket clients with pre-encoded frames (loopback only).

        loadtest echo|fanout|idle|storm --protocol socketio|socketio-msgpack|signalr|raw --target LABEL [options]
          --host 127.0.0.1 --port 5000   the target (a loopback address only)
          --clients N                    connections (default 1000)
          --duration S --warmup S        measured window and warm-up in seconds (default 10, 2)
          --rate R                       echo: requests/s over all clients; 0 = closed loop (default)
          --payload BYTES                payload size (default 32)
          --sources K                    spread connections over 127.0.0.1..127.0.0.K (default 8)
          --connect-concurrency C        handshakes in flight (default 64)
          --settle S                     idle: seconds to hold before reading memory (default 5)
          --per-process N                idle: connections per load-tool process before splitting (default 15000)
          --server-pid PID               read the server's CPU and RSS from /proc/PID
          --stats-port P                 the target's /stats endpoint for the managed heap (default: --port)
          --repeat I                     repeat index written into the result
          --results FILE                 append the result as one JSON line
        loadtest startup --mode echo|idle --protocol socketio --target LABEL [options] -- SERVER COMMAND...
          starts the server command itself and times from its start: the first answered handshake, the RSS then,
          and (idle) the RSS with --clients held for --settle s, or (echo) round-trips per second until --duration s
          after the start. Without --port the first free loopback port is given to the command as {port}.
          --publish-dir DIR              the server's publish folder, measured as its deployed size
        loadtest soak --target soak --port P --server-pid PID [options]
          against the soak target (TypedSockets.LoadTest.Targets --target soak): --clients N (default 10000) held for
          --duration S (default 600) of mixed traffic; exit code 1 when an invariant fails (lost acknowledgement, room
          sequence gap or duplicate, unexpected disconnect, reconnect not recovered, RSS slope over the limit).
          --warmup S                     excluded from the RSS slope (default: 30% of the duration, at most 180: the
                                         recovery store fills for its 2-minute window first)
          --rooms R                      rooms r0.. (default max(4, N/50))
          --request-rate R --publish-rate R --join-rate R   per second over all clients (default N/10, N/500, N/200)
          --churn P                      percent of the clients dropped and reconnected per second (default 1)
          --reconnect-delay-ms D         before a dropped client reconnects, times 0.5 to 1.5 (default 1000)
          --ack-timeout S                an acknowledgement later than this is lost (default 30)
          --sample S                     server RSS/CPU sampling period (default 5)
          --max-rss-slope M              MiB per minute after the warm-up (default 2)
          --seed K --csv FILE --chart FILE.png --results FILE (one JSON line)
        loadtest report --results FILE --doc docs/benchmarks.md --images docs/images [--meta FILE] [--notes FILE]
        loadtest startup-report --results FILE --doc docs/benchmarks.md [--meta FILE] [--notes FILE]
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var command = args[0];
        var separator = Array.IndexOf(args, "--");
        try
        {
            var options = ParseOptions(args.AsSpan(1, (separator < 0 ? args.Length : separator) - 1));
            var serverCommand = separator < 0 ? null : args[(separator + 1)..];
            if (command == "report")
            {
                ReportWriter.Write(Get(options, "results") ?? "results.jsonl", Get(options, "doc") ?? "docs/benchmarks.md",
                    Get(options, "images") ?? "docs/images", Get(options, "meta"), Get(options, "notes"));
                return 0;
            }

            if (command == "startup-report")
            {
                StartupReportWriter.Write(Get(options, "results") ?? "startup.jsonl", Get(options, "doc") ?? "docs/benchmarks.md",
                    Get(options, "meta"), Get(options, "notes"));
                return 0;
            }

            if (command == "soak")
            {
                return await RunSoakAsync(options).ConfigureAwait(false);
            }

            var scenario = ToScenarioOptions(options, serverCommand);
            if (command == "hold")
            {
                return await IdleScenario.HoldAsync(scenario, GetInt(options, "first", 0), TimeSpan.FromSeconds(GetInt(options, "hold", 300)))
                    .ConfigureAwait(false);
            }

            // Every run ends by itself: the scenario's own time plus a margin for connecting and draining.
            var budget = scenario.Warmup + scenario.Duration + scenario.Settle + TimeSpan.FromSeconds(30)
                + TimeSpan.FromMilliseconds(scenario.Clients * 20.0);
            using var deadline = new CancellationTokenSource(budget);
            var result = command switch
            {
                "echo" => await new EchoScenario(scenario).RunAsync(deadline.Token).ConfigureAwait(false),
                "fanout" => await new FanOutScenario(scenario).RunAsync(deadline.Token).ConfigureAwait(false),
                "idle" => await new IdleScenario(scenario).RunAsync(deadline.Token).ConfigureAwait(false),
                "storm" => await new ConnectStormScenario(scenario).RunAsync(deadline.Token).ConfigureAwait(false),
                "startup" => await new StartupScenario(scenario).RunAsync(deadline.Token).ConfigureAwait(false),
                _ => throw new ArgumentException($"Unknown command '{command}'.\n{Usage}"),
            };

            Console.WriteLine(result);
            if (Get(options, "results") is { } file)
            {
                await File.AppendAllTextAsync(file, JsonSerializer.Serialize(result, ResultJsonContext.Default.ScenarioResult) + "\n")
                    .ConfigureAwait(false);
            }

            return 0;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"{command}: the run passed its time budget and was stopped.");
            return 3;
        }
    }

    private static async Task<int> RunSoakAsync(Dictionary<string, string> options)
    {
        options.TryAdd("clients", "10000");
        options.TryAdd("duration", "600");
        options.TryAdd("protocol", "socketio");
        options.TryAdd("target", "soak");
        var duration = GetDouble(options, "duration", 600);
        options.TryAdd("warmup", Math.Min(180, duration * 0.3).ToString(CultureInfo.InvariantCulture));
        var scenario = ToScenarioOptions(options);
        var soak = ToSoakOptions(options);
        using var deadline = new CancellationTokenSource(SoakScenario.Budget(scenario, soak));
        var result = await new SoakScenario(scenario, soak).RunAsync(deadline.Token).ConfigureAwait(false);
        Console.WriteLine(result);
        if (Get(options, "results") is { } file)
        {
            await File.AppendAllTextAsync(file, JsonSerializer.Serialize(result, SoakResultJsonContext.Default.SoakResult) + "\n")
                .ConfigureAwait(false);
        }

        return result.Passed ? 0 : 1;
    }

    public static SoakOptions ToSoakOptions(IReadOnlyDictionary<string, string> options) => new()
    {
        Rooms = Get(options, "rooms") is { } rooms ? int.Parse(rooms, CultureInfo.InvariantCulture) : null,
        RequestRate = Get(options, "request-rate") is { } requests ? double.Parse(requests, CultureInfo.InvariantCulture) : null,
        PublishRate = Get(options, "publish-rate") is { } publishes ? double.Parse(publishes, CultureInfo.InvariantCulture) : null,
        JoinLeaveRate = Get(options, "join-rate") is { } joins ? double.Parse(joins, CultureInfo.InvariantCulture) : null,
        ChurnPercentPerSecond = GetDouble(options, "churn", 1),
        ReconnectDelay = TimeSpan.FromMilliseconds(GetDouble(options, "reconnect-delay-ms", 1000)),
        AckTimeout = TimeSpan.FromSeconds(GetDouble(options, "ack-timeout", 30)),
        SampleInterval = TimeSpan.FromSeconds(GetDouble(options, "sample", 5)),
        MaxRssSlopeMiBPerMinute = GetDouble(options, "max-rss-slope", 2),
        Seed = GetInt(options, "seed", 1),
        CsvPath = Get(options, "csv"),
        ChartPath = Get(options, "chart"),
    };

    public static ScenarioOptions ToScenarioOptions(IReadOnlyDictionary<string, string> options, IReadOnlyList<string>? serverCommand = null)
    {
        var host = IPAddress.Parse(Get(options, "host") ?? "127.0.0.1");
        if (!IPAddress.IsLoopback(host))
        {
            throw new ArgumentException($"Only loopback targets are allowed, not {host}.");
        }

        var port = GetInt(options, "port", serverCommand is null ? 5000 : 0);
        if (port == 0)
        {
            port = FreeLoopbackPort(host);
        }

        return new ScenarioOptions
        {
            Target = Get(options, "target") ?? Get(options, "protocol") ?? "target",
            Protocol = Get(options, "protocol") ?? "socketio",
            Server = new IPEndPoint(host, port),
            Clients = GetInt(options, "clients", 1000),
            Duration = TimeSpan.FromSeconds(GetDouble(options, "duration", 10)),
            Warmup = TimeSpan.FromSeconds(GetDouble(options, "warmup", 2)),
            Rate = GetInt(options, "rate", 0),
            PayloadBytes = GetInt(options, "payload", 32),
            Sources = GetInt(options, "sources", 8),
            ConnectConcurrency = GetInt(options, "connect-concurrency", 64),
            Settle = TimeSpan.FromSeconds(GetDouble(options, "settle", 5)),
            ConnectionsPerProcess = GetInt(options, "per-process", 15_000),
            ServerPid = Get(options, "server-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            StatsUri = new Uri($"http://{host}:{GetInt(options, "stats-port", port)}/stats"),
            Repeat = GetInt(options, "repeat", 0),
            ServerCommand = serverCommand?.Select(a => a.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToArray(),
            StartupMode = Get(options, "mode") ?? "echo",
            PublishDirectory = Get(options, "publish-dir"),
        };
    }

    public static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value', got '{args[i]}'.");
            }

            options[args[i][2..]] = args[++i];
        }

        return options;
    }

    private static int FreeLoopbackPort(IPAddress host)
    {
        using var listener = new System.Net.Sockets.TcpListener(host, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Get(IReadOnlyDictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : null;

    private static int GetInt(IReadOnlyDictionary<string, string> options, string name, int fallback) =>
        Get(options, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static double GetDouble(IReadOnlyDictionary<string, string> options, string name, double fallback) =>
        Get(options, name) is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
