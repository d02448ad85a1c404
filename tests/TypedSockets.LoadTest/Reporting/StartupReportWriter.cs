using System.Globalization;
using System.Text;
using System.Text.Json;
using TypedSockets.LoadTest.Measurement;

namespace TypedSockets.LoadTest.Reporting;

/// <summary>
/// Turns the results of <c>startup</c> runs (one JSON line per run) into the "## Startup: JIT, ReadyToRun and Native AOT"
/// section of docs/benchmarks.md: per build variant, in the order they first appear, the medians over the repeats.
/// </summary>
public static class StartupReportWriter
{
    public const string SectionHeading = "## Startup: JIT, ReadyToRun and Native AOT";

    /// <summary>The window at the start that the issue is about: round-trips in the first 10 s after the process start.</summary>
    public const int FirstWindowSeconds = 10;

    /// <summary>The reference window: the last 10 s of each echo run.</summary>
    public const int LateWindowSeconds = 10;

    public static void Write(string resultsPath, string docPath, string? metaPath, string? notesPath)
    {
        var results = File.ReadLines(resultsPath)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonSerializer.Deserialize(line, ResultJsonContext.Default.ScenarioResult)!)
            .Where(r => r.Scenario == "startup")
            .ToList();
        if (results.Count == 0)
        {
            throw new InvalidOperationException($"{resultsPath} holds no startup runs.");
        }

        var meta = metaPath is not null && File.Exists(metaPath) ? File.ReadAllText(metaPath).TrimEnd() : null;
        var notes = notesPath is not null && File.Exists(notesPath) ? File.ReadAllText(notesPath).TrimEnd() : null;
        MarkdownSections.Replace(docPath, SectionHeading, Render(Summarize(results), meta, notes));
        Console.WriteLine($"Wrote {SectionHeading} in {docPath} ({results.Count} runs).");
    }

    /// <summary>Medians over the repeats of each variant, in the order the variants first appear.</summary>
    public static List<StartupSummary> Summarize(IReadOnlyList<ScenarioResult> results) =>
        [.. results.GroupBy(r => r.Target).Select(g =>
        {
            var idle = g.Where(r => r.Mode == "idle").ToList();
            var echo = g.Where(r => r.Mode == "echo" && r.Buckets is { Length: > 0 }).ToList();
            var length = echo.Count == 0 ? 0 : echo.Min(r => r.Buckets!.Length);
            return new StartupSummary(
                g.Key,
                g.Count(),
                MedianOrNull(g.Select(r => r.StartupMs)),
                MedianOrNull(g.Select(r => r.StartupCpuMs)),
                MinOrNull(g.Select(r => r.StartupMs)),
                MaxOrNull(g.Select(r => r.StartupMs)),
                MedianOrNull(g.Select(r => (double?)r.RssStartBytes)),
                idle.Count == 0 ? null : idle.Max(r => r.Clients),
                MedianOrNull(idle.Select(r => (double?)r.RssBytes)),
                MedianOrNull(g.Select(r => (double?)r.DeployBytes)),
                MedianOrNull(echo.Select(r => r.ConnectedMs)),
                MedianOrNull(echo.Select(r => (double?)Rate(r.Buckets!, 0, FirstWindowSeconds))),
                MedianOrNull(echo.Select(r => (double?)Rate(r.Buckets!, Math.Max(0, length - LateWindowSeconds), length))),
                length,
                [.. Enumerable.Range(0, length).Select(i => ReportWriter.Median(echo.Select(r => (double)r.Buckets![i])))],
                [.. Enumerable.Range(0, length).Select(i => ReportWriter.Median(echo.Select(r => r.ServerCpuBuckets?[i] ?? 0)))],
                MedianOrNull(echo.Select(r => r.ClientCpuBuckets is { } c ? (double?)c.Take(FirstWindowSeconds).Max() : null)),
                MedianOrNull(echo.Select(r => CpuPerRoundTripUs(r, 0, FirstWindowSeconds))),
                MedianOrNull(echo.Select(r => CpuPerRoundTripUs(r, Math.Max(0, length - LateWindowSeconds), length))),
                MedianOrNull(echo.Select(r => r.ServerCpuBuckets is { } c ? (double?)c.Take(FirstWindowSeconds).Average() : null)),
                g.Sum(r => r.Failures),
                g.Min(r => r.LoadAverage),
                g.Max(r => r.LoadAverage));
        })];

    private static string Render(List<StartupSummary> rows, string? meta, string? notes)
    {
        var md = new StringBuilder();
        md.AppendLine(SectionHeading).AppendLine();
        md.AppendLine("The same benchmark server (`tests/TypedSockets.LoadTest.Targets`, the typed hub `TypedBenchmarkHub`, JSON parser)");
        md.AppendLine("built several ways and measured from the moment its process starts. Written by");
        md.AppendLine("`tests/TypedSockets.LoadTest/run-startup.sh`; the tables are not edited by hand, the notes at the end come from");
        md.AppendLine("`tests/TypedSockets.LoadTest/startup-notes.md`. Absolute figures depend on what else ran on the machine: compare");
        md.AppendLine("the variants of one run with each other, not with other runs.").AppendLine();
        if (meta is not null)
        {
            md.AppendLine("### Machine and run").AppendLine().AppendLine(meta).AppendLine();
        }

        var late = rows.FirstOrDefault(r => r.Seconds > 0)?.Seconds ?? 0;
        var lateFrom = Math.Max(0, late - LateWindowSeconds);
        md.AppendLine("### Start and memory (medians over the repeats)").AppendLine();
        md.AppendLine("- **startup**: process start to the first answered Socket.IO handshake (a client retries from the start), ms;");
        md.AppendLine("  median and range over every run of the variant (idle and echo runs both start the server). **startup CPU**:");
        md.AppendLine("  the server's CPU time (all threads) until then, which other load on the machine hardly changes.");
        md.AppendLine("- **RSS at start**: the server's resident memory at that first handshake; **RSS idle**: with the idle clients held.");
        md.AppendLine("- **deployed**: the publish folder without .pdb/.dbg symbol files (framework-dependent builds also need the");
        md.AppendLine("  shared .NET and ASP.NET Core runtimes on the machine).").AppendLine();
        md.AppendLine("| variant | runs | startup ms (range) | startup CPU ms | RSS at start MiB | RSS idle MiB (clients) | deployed MB | failures |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Variant} | {r.Runs} | {F(r.StartupMs, "0")} ({F(r.StartupMinMs, "0")}-{F(r.StartupMaxMs, "0")}) | {F(r.StartupCpuMs, "0")} | {F(r.RssStartBytes / 1048576, "0.0")} | {F(r.RssIdleBytes / 1048576, "0.0")}{(r.IdleClients is { } n ? $" ({n:N0})" : "")} | {F(r.DeployBytes / 1e6, "0.0")} | {r.Failures} |");
        }

        md.AppendLine().AppendLine("### Echo from the start (medians over the repeats)").AppendLine();
        md.AppendLine($"- **0-{FirstWindowSeconds} s**: closed-loop echo round-trips/s, counted from the process start (start-up and connecting the");
        md.AppendLine($"  clients included); **{lateFrom}-{late} s**: the same run's last {late - lateFrom} seconds; **first/late**: the first window as a share of the late one.");
        md.AppendLine("- **CPU µs/rt**: the server's CPU time per round-trip in that window (start-up work included in the first): the");
        md.AppendLine("  cost of the code the server runs, which other load on the machine changes much less than round-trips/s.");
        md.AppendLine($"- **core busy**: the server's CPU in the first {FirstWindowSeconds} s in cores (below 1.0: waiting, or its core taken by other");
        md.AppendLine($"  processes); **tool peak**: the load tool's busiest second in the first {FirstWindowSeconds} s (near 1.0: the tool limited that second).").AppendLine();
        md.AppendLine($"| variant | all connected at s | 0-{FirstWindowSeconds} s /s | {lateFrom}-{late} s /s | first/late | CPU µs/rt 0-{FirstWindowSeconds} s | CPU µs/rt {lateFrom}-{late} s | core busy 0-{FirstWindowSeconds} s | tool peak |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows.Where(r => r.Seconds > 0))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Variant} | {F(r.ConnectedMs / 1000, "0.0")} | {F(r.FirstRate, "N0")} | {F(r.LateRate, "N0")} | {(r.FirstRate is { } a && r.LateRate is > 0 ? F(a / r.LateRate.Value * 100, "0") + "%" : "")} | {F(r.FirstCpuUs, "0.0")} | {F(r.LateCpuUs, "0.0")} | {F(r.FirstBusy, "0.00")} | {F(r.ClientPeak, "0.00")} |");
        }

        if (late > 0)
        {
            var columns = Enumerable.Range(1, Math.Min(FirstWindowSeconds, late)).Concat(Enumerable.Range(2, Math.Max(0, late / 10 - 1)).Select(t => t * 10)).Distinct().ToArray();
            md.AppendLine().AppendLine("### Echo round-trips per second since the process start (thousands; medians per second)").AppendLine();
            md.AppendLine("Each column is one second of the echo run, ending at the time shown; the tiering curve of a JIT build is the climb along a row.").AppendLine();
            RenderCurve(md, rows, columns, r => r.Curve, v => F(v / 1000, "0.0"));
            md.AppendLine().AppendLine("### Server CPU per second since the process start (cores; 1.00 = its one core busy)").AppendLine();
            RenderCurve(md, rows, columns, r => r.ServerCpu, v => F(v, "0.00"));
        }

        md.AppendLine().AppendLine(CultureInfo.InvariantCulture,
            $"Load average (1 min) during the runs: {F(rows.Min(r => r.LoadMin), "0.0")} to {F(rows.Max(r => r.LoadMax), "0.0")}.");
        if (notes is not null)
        {
            md.AppendLine().AppendLine(notes);
        }

        return md.ToString();
    }

    private static void RenderCurve(StringBuilder md, List<StartupSummary> rows, int[] columns, Func<StartupSummary, double[]> values, Func<double, string> format)
    {
        md.Append("| variant |").AppendJoin("", columns.Select(c => $" {c} s |")).AppendLine();
        md.Append("|---|").AppendJoin("", columns.Select(_ => "---:|")).AppendLine();
        foreach (var r in rows.Where(r => r.Seconds > 0))
        {
            var curve = values(r);
            md.Append(CultureInfo.InvariantCulture, $"| {r.Variant} |")
                .AppendJoin("", columns.Select(c => c <= curve.Length ? $" {format(curve[c - 1])} |" : " |")).AppendLine();
        }
    }

    private static double Rate(long[] buckets, int from, int to) =>
        to <= from || from < 0 ? 0 : (double)buckets[from..Math.Min(to, buckets.Length)].Sum() / (to - from);

    private static double? CpuPerRoundTripUs(ScenarioResult r, int from, int to)
    {
        if (r.ServerCpuBuckets is not { } cpu || r.Buckets is not { } buckets)
        {
            return null;
        }

        to = Math.Min(to, Math.Min(cpu.Length, buckets.Length));
        var operations = buckets[from..to].Sum();
        return operations > 0 ? cpu[from..to].Sum() * 1e6 / operations : null;
    }

    private static double? MedianOrNull(IEnumerable<double?> values)
    {
        var present = values.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
        return present.Length == 0 ? null : ReportWriter.Median(present);
    }

    private static double? MinOrNull(IEnumerable<double?> values) => values.Where(v => v.HasValue).DefaultIfEmpty().Min();

    private static double? MaxOrNull(IEnumerable<double?> values) => values.Where(v => v.HasValue).DefaultIfEmpty().Max();

    private static string F(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "";
}

/// <summary>The medians of one build variant over its repeats; curves hold one value per second since the process start.</summary>
public sealed record StartupSummary(
    string Variant, int Runs, double? StartupMs, double? StartupCpuMs, double? StartupMinMs, double? StartupMaxMs, double? RssStartBytes,
    int? IdleClients, double? RssIdleBytes, double? DeployBytes, double? ConnectedMs, double? FirstRate, double? LateRate,
    int Seconds, double[] Curve, double[] ServerCpu, double? ClientPeak, double? FirstCpuUs, double? LateCpuUs, double? FirstBusy, long Failures, double LoadMin, double LoadMax);
