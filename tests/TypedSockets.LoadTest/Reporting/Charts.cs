using ScottPlot;

namespace TypedSockets.LoadTest.Reporting;

/// <summary>The charts of the load-test section (ScottPlot, PNG): throughput against clients, memory per connection.</summary>
public static class Charts
{
    public sealed record Chart(string Title, string FileName);

    public static List<Chart> Write(List<Summary> groups, string directory)
    {
        var charts = new List<Chart>();
        AddLines(charts, groups, directory, "echo", "closed", "Echo, closed loop: round-trips/s by clients", "round-trips/s", "loadtest-echo-throughput.png");
        AddLines(charts, groups, directory, "fanout", "closed", "Fan-out, closed loop: deliveries/s by clients", "deliveries/s", "loadtest-fanout-throughput.png");
        AddMemory(charts, groups, directory);
        return charts;
    }

    private static void AddLines(List<Chart> charts, List<Summary> groups, string directory, string scenario, string mode, string title, string unit, string file)
    {
        var rows = groups.Where(g => g.Scenario == scenario && g.Mode == mode && g.PerSecond > 0).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var target in rows.Select(r => r.Target).Distinct())
        {
            var points = rows.Where(r => r.Target == target).OrderBy(r => r.Clients).ToArray();
            var line = plot.Add.Scatter(points.Select(p => (double)p.Clients).ToArray(), points.Select(p => p.PerSecond).ToArray(), palette.GetColor(i++));
            line.LegendText = target;
            line.MarkerSize = 8;
            line.LineWidth = 2;
        }

        plot.Title(title);
        plot.XLabel("clients");
        plot.YLabel(unit);
        plot.Axes.SetLimitsY(0, rows.Max(r => r.PerSecond) * 1.15);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(Path.Combine(directory, file), 900, 500);
        charts.Add(new Chart(title, file));
    }

    private static void AddMemory(List<Chart> charts, List<Summary> groups, string directory)
    {
        var rows = groups.Where(g => g.Scenario == "idle" && g.RssPerConnection is not null).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        // One group of two bars (RSS, managed heap) per target, at the largest client count that every target was
        // measured at (so the bars compare like with like), else at each target's largest.
        var targets = rows.Select(r => r.Target).Distinct().ToArray();
        var common = rows.GroupBy(r => r.Clients).Where(g => g.Select(r => r.Target).Distinct().Count() == targets.Length)
            .Select(g => g.Key).DefaultIfEmpty(-1).Max();
        var latest = rows.GroupBy(r => r.Target)
            .Select(g => g.FirstOrDefault(r => r.Clients == common) ?? g.OrderByDescending(r => r.Clients).First())
            .ToArray();
        var plot = new Plot();
        var rss = new List<Bar>();
        var heap = new List<Bar>();
        var ticks = new List<Tick>();
        for (var i = 0; i < latest.Length; i++)
        {
            rss.Add(new Bar { Position = i * 3, Value = (latest[i].RssPerConnection ?? 0) / 1024, FillColor = Colors.SteelBlue });
            heap.Add(new Bar { Position = i * 3 + 1, Value = (latest[i].HeapPerConnection ?? 0) / 1024, FillColor = Colors.Orange });
            ticks.Add(new Tick(i * 3 + 0.5, $"{latest[i].Target}\n({latest[i].Clients} conns)"));
        }

        plot.Add.Bars(rss).LegendText = "RSS KiB / connection";
        plot.Add.Bars(heap).LegendText = "managed heap KiB / connection";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Margins(bottom: 0);
        const string Title = "Idle connections: server memory per connection";
        plot.Title(Title);
        plot.YLabel("KiB per connection");
        plot.ShowLegend(Alignment.UpperRight);
        const string File = "loadtest-idle-memory.png";
        plot.SavePng(Path.Combine(directory, File), 900, 500);
        charts.Add(new Chart(Title, File));
    }
}
