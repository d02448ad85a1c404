using System.Globalization;
using System.Text;
using System.Text.Json;
using TypedSockets.LoadTest.Measurement;

namespace TypedSockets.LoadTest.Reporting;

/// <summary>
/// Turns a results file (one JSON line per run) into the "## Load test" section of docs/benchmarks.md (medians over
/// the repeats, ratios against the other targets) and the charts under docs/images. Other sections of the document
/// are kept as they are.
/// </summary>
public static class ReportWriter
{
    public const string SectionHeading = "## Load test";
    public const string OurTarget = "typedsockets-json";

    public static void Write(string resultsPath, string docPath, string imagesDir, string? metaPath, string? notesPath = null)
    {
        var results = File.ReadLines(resultsPath)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonSerializer.Deserialize(line, ResultJsonContext.Default.ScenarioResult)!)
            .ToList();
        var meta = metaPath is not null && File.Exists(metaPath) ? File.ReadAllText(metaPath).TrimEnd() : null;
        var groups = Summarize(results);

        Directory.CreateDirectory(imagesDir);
        var imagesRelative = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(docPath))!, Path.GetFullPath(imagesDir)).Replace('\\', '/');
        var charts = Charts.Write(groups, imagesDir);

        var notes = notesPath is not null && File.Exists(notesPath) ? File.ReadAllText(notesPath).TrimEnd() : null;
        var section = RenderSection(groups, meta, charts.Select(c => (c.Title, $"{imagesRelative}/{c.FileName}")).ToList());
        if (notes is not null)
        {
            section = section.TrimEnd('\n') + "\n\n" + notes + "\n";
        }

        MarkdownSections.Replace(docPath, SectionHeading, section);
        Console.WriteLine($"Wrote {SectionHeading} in {docPath} ({results.Count} runs) and {charts.Count} chart(s) in {imagesDir}.");
    }

    /// <summary>Medians over the repeats of each (target, scenario, mode, clients).</summary>
    public static List<Summary> Summarize(IEnumerable<ScenarioResult> results) =>
        [.. results
            .GroupBy(r => (r.Target, r.Scenario, r.Mode, r.Clients))
            .Select(g => new Summary(
                g.Key.Target, g.Key.Scenario, g.Key.Mode, g.Key.Clients, g.Count(),
                Median(g.Select(r => r.PerSecond)),
                MedianOrNull(g.Select(r => r.P50Us)), MedianOrNull(g.Select(r => r.P99Us)), MedianOrNull(g.Select(r => r.P999Us)),
                MedianOrNull(g.Select(r => r.CpuSecondsPer1k)),
                MedianOrNull(g.Select(r => r.ServerCpuSeconds / (r.Seconds > 0 ? r.Seconds : null))),
                MedianOrNull(g.Select(r => r.ClientCpuSeconds / (r.Seconds > 0 ? r.Seconds : null))),
                MedianOrNull(g.Select(r => r.RssBytesPerConnection)), MedianOrNull(g.Select(r => r.HeapBytesPerConnection)),
                g.Sum(r => r.Failures), g.Min(r => r.Connected),
                g.Min(r => r.LoadAverage), g.Max(r => r.LoadAverage)))
            .OrderBy(s => s.Scenario, StringComparer.Ordinal).ThenBy(s => s.Mode, StringComparer.Ordinal)
            .ThenBy(s => s.Clients).ThenBy(s => TargetOrder(s.Target))];

    private static string RenderSection(List<Summary> groups, string? meta, List<(string Title, string Path)> charts)
    {
        var md = new StringBuilder();
        md.AppendLine(SectionHeading).AppendLine();
        md.AppendLine("Written by `tests/TypedSockets.LoadTest/run-benchmarks.sh` (the load tool's `report` command) from the");
        md.AppendLine("results of that run; every figure below is the median over the repeats of one command of the load tool,");
        md.AppendLine("listed under *How it was measured*. The tables are not edited by hand; the notes at the end come from");
        md.AppendLine("`tests/TypedSockets.LoadTest/benchmark-notes.md`.").AppendLine();
        md.AppendLine("**Read these figures as relative.** The server and the load tool share a 2-core machine (one core each), and");
        md.AppendLine("anything else running takes from them: the load average is recorded beside every row (the tool alone keeps it");
        md.AppendLine("near 2), and figures taken above that are noisy and lower than the hardware allows. Compare targets within one run.").AppendLine();
        if (meta is not null)
        {
            md.AppendLine("### Machine and run").AppendLine().AppendLine(meta).AppendLine();
        }

        RenderThroughput(md, groups, "echo", "closed", "Echo with ack, closed loop (one request outstanding per client)", "round-trips/s", "round-trip");
        foreach (var mode in groups.Where(g => g.Scenario == "echo" && g.Mode != "closed").Select(g => g.Mode).Distinct())
        {
            RenderThroughput(md, groups, "echo", mode, $"Echo with ack at a fixed rate ({mode.Replace("rate=", string.Empty, StringComparison.Ordinal)} requests/s over all clients)", "round-trips/s", "round-trip");
        }

        RenderThroughput(md, groups, "fanout", "closed", "Fan-out, closed loop (the next broadcast when every client has the last)", "deliveries/s", "delivery");
        RenderIdle(md, groups);
        foreach (var mode in groups.Where(g => g.Scenario == "storm").Select(g => g.Mode).Distinct())
        {
            RenderThroughput(md, groups, "storm", mode, $"Connect storm ({mode.Replace("concurrency=", string.Empty, StringComparison.Ordinal)} handshakes in flight)", "handshakes/s", "handshake");
        }

        if (charts.Count > 0)
        {
            md.AppendLine("### Charts").AppendLine();
            foreach (var (title, path) in charts)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"![{title}]({path})").AppendLine();
            }
        }

        return md.ToString();
    }

    private static void RenderThroughput(StringBuilder md, List<Summary> groups, string scenario, string mode, string title, string unit, string op)
    {
        var rows = groups.Where(g => g.Scenario == scenario && g.Mode == mode).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var latency = scenario != "storm";
        md.AppendLine(CultureInfo.InvariantCulture, $"### {title}").AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"| clients | target | {unit} | vs ours |");
        if (latency)
        {
            md.Append(" p50 ms | p99 ms | p99.9 ms |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $" server CPU µs per {op} | server CPU s per 1k | server core busy | tool core busy | failures | repeats | load avg |");
        md.Append("|---:|---|---:|---:|");
        if (latency)
        {
            md.Append("---:|---:|---:|");
        }

        md.AppendLine("---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            var ours = rows.FirstOrDefault(r => r.Clients == row.Clients && r.Target == OurTarget);
            var ratio = ours is not null && row.PerSecond > 0 && row.Target != OurTarget ? F(ours.PerSecond / row.PerSecond, "0.00") + "x" : "";
            md.Append(CultureInfo.InvariantCulture, $"| {row.Clients} | {row.Target} | {F(row.PerSecond, "N0")} | {ratio} |");
            if (latency)
            {
                md.Append(CultureInfo.InvariantCulture, $" {Ms(row.P50Us)} | {Ms(row.P99Us)} | {Ms(row.P999Us)} |");
            }

            md.AppendLine(CultureInfo.InvariantCulture,
                $" {(row.CpuSecondsPer1k is { } c ? F(c * 1000, "0.0") : "")} | {(row.CpuSecondsPer1k is { } s ? F(s, "0.0000") : "")} | {Percent(row.ServerBusy)} | {Percent(row.ClientBusy)} | {row.Failures} | {row.Repeats} | {LoadRange(row)} |");
        }

        md.AppendLine().AppendLine("\"vs ours\" is TypedSockets (JSON parser) divided by that target at the same client count: above 1 means ours is faster.");
        md.AppendLine("\"core busy\" is CPU seconds over wall seconds in the window: a server below 100% was held back by the load tool or by");
        md.AppendLine("other work on the machine, so compare the CPU cost per operation as well as the rate.").AppendLine();
    }

    private static void RenderIdle(StringBuilder md, List<Summary> groups)
    {
        var rows = groups.Where(g => g.Scenario == "idle").ToList();
        if (rows.Count == 0)
        {
            return;
        }

        md.AppendLine("### Idle connections: server memory per connection").AppendLine();
        md.AppendLine("| clients | target | held | RSS KiB per connection | managed heap KiB per connection | failures | repeats | load avg |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Clients} | {row.Target} | {row.MinConnected} | {Kib(row.RssPerConnection)} | {Kib(row.HeapPerConnection)} | {row.Failures} | {row.Repeats} | {LoadRange(row)} |");
        }

        md.AppendLine().AppendLine("RSS: the growth of the server's VmRSS from before the clients connected to after they settled, divided by");
        md.AppendLine("the connections held. Managed heap: the same for the .NET GC heap (or V8's heapUsed) after a full collection,");
        md.AppendLine("read from the target's `/stats`. The heap delta can exceed the RSS delta when the heap reuses pages it had already.").AppendLine();
    }

    private static string LoadRange(Summary row) =>
        row.LoadMin == row.LoadMax ? F(row.LoadMin, "0.0") : $"{F(row.LoadMin, "0.0")}–{F(row.LoadMax, "0.0")}";

    private static string Percent(double? share) => share is { } v ? F(v * 100, "0") + "%" : "";

    private static string Ms(double? us) => us is { } v ? F(v / 1000, "0.00") : "";

    private static string Kib(double? bytes) => bytes is { } v ? F(v / 1024, "0.0") : "";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static int TargetOrder(string target) => target switch
    {
        OurTarget => 0,
        _ when target.StartsWith("typedsockets", StringComparison.Ordinal) => 1,
        "node" => 2,
        "signalr" => 3,
        "raw" => 4,
        _ => 5,
    };

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double? MedianOrNull(IEnumerable<double?> values)
    {
        var present = values.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
        return present.Length == 0 ? null : Median(present);
    }
}

/// <summary>The medians of one (target, scenario, mode, clients) over its repeats.</summary>
public sealed record Summary(
    string Target, string Scenario, string Mode, int Clients, int Repeats,
    double PerSecond, double? P50Us, double? P99Us, double? P999Us, double? CpuSecondsPer1k, double? ServerBusy, double? ClientBusy,
    double? RssPerConnection, double? HeapPerConnection, long Failures, int MinConnected, double LoadMin, double LoadMax);
