using System.Globalization;
using ScottPlot;
using TypedSockets.LoadTest.Measurement;

namespace TypedSockets.LoadTest.Reporting;

/// <summary>The soak run's server samples as CSV, and its RSS-over-time chart (ScottPlot, PNG).</summary>
public static class SoakReport
{
    public static void WriteCsv(string path, IReadOnlyList<SoakSample> samples)
    {
        CreateDirectoryOf(path);
        using var writer = new StreamWriter(path);
        writer.WriteLine("seconds,phase,rss_mib,server_cpu_seconds,connected");
        foreach (var s in samples)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.Seconds:F1},{s.Phase},{s.RssMiB:F1},{s.ServerCpuSeconds:F2},{s.Connected}"));
        }
    }

    /// <summary>RSS (MiB) over minutes since the start, with the traffic window, the end of the warm-up and the fitted slope.</summary>
    public static void WriteChart(string path, SoakResult result, double trafficStart, double warmupEnd, double trafficEnd)
    {
        CreateDirectoryOf(path);
        var samples = result.Samples.Where(s => s.RssMiB > 0).ToArray();
        if (samples.Length == 0)
        {
            return;
        }

        var plot = new Plot();
        var rss = plot.Add.Scatter(samples.Select(s => s.Seconds / 60).ToArray(), samples.Select(s => s.RssMiB).ToArray(), Colors.SteelBlue);
        rss.LegendText = "server RSS (MiB)";
        rss.MarkerSize = 3;
        rss.LineWidth = 1.5f;

        var traffic = plot.Add.VerticalLine(trafficStart / 60, 1, Colors.Gray);
        traffic.LegendText = "traffic starts";
        var warm = plot.Add.VerticalLine(warmupEnd / 60, 1, Colors.Orange);
        warm.LegendText = "warm-up ends";
        var end = plot.Add.VerticalLine(trafficEnd / 60, 1, Colors.Gray);
        end.LinePattern = LinePattern.Dashed;

        var fitted = samples.Where(s => s.Seconds >= warmupEnd && s.Seconds <= trafficEnd).ToArray();
        if (result.RssSlopeMiBPerMinute is { } slope && fitted.Length >= 2)
        {
            var meanX = fitted.Average(s => s.Seconds / 60);
            var meanY = fitted.Average(s => s.RssMiB);
            var x1 = warmupEnd / 60;
            var x2 = trafficEnd / 60;
            var line = plot.Add.Line(x1, meanY + slope * (x1 - meanX), x2, meanY + slope * (x2 - meanX));
            line.Color = Colors.Red;
            line.LineWidth = 2;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"fit after warm-up: {slope:+0.00;-0.00} MiB/min");
        }

        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Soak: server RSS, {result.Clients:N0} connections, {result.DurationSeconds / 60:F0} min of traffic with churn"));
        plot.XLabel("minutes since the load tool started");
        plot.YLabel("RSS (MiB)");
        plot.Axes.SetLimitsY(0, samples.Max(s => s.RssMiB) * 1.15);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 900, 500);
    }

    private static void CreateDirectoryOf(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
    }
}
