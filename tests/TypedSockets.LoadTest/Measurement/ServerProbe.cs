using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace TypedSockets.LoadTest.Measurement;

/// <summary>
/// Reads the server's CPU time and RSS from /proc/&lt;pid&gt; and its managed heap (after a full collection) from the
/// target's <c>/stats</c> endpoint. Without a pid the CPU and RSS figures are absent.
/// </summary>
public sealed class ServerProbe : IDisposable
{
    private const double ClockTicksPerSecond = 100; // sysconf(_SC_CLK_TCK) on Linux
    private readonly int? _pid;
    private readonly Uri? _statsUri;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public ServerProbe(int? pid, Uri? statsUri)
    {
        _pid = pid;
        _statsUri = statsUri;
    }

    /// <summary>User + system CPU seconds of the server process, or null.</summary>
    public double? CpuSeconds()
    {
        if (_pid is not { } pid || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }

        // Fields after the command (which may contain spaces) start at ") ": utime and stime are fields 14 and 15.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / ClockTicksPerSecond;
    }

    /// <summary>Resident set size of the server process in bytes, or null.</summary>
    public long? RssBytes()
    {
        if (_pid is not { } pid || !File.Exists($"/proc/{pid}/status"))
        {
            return null;
        }

        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }

    /// <summary>The target's managed heap in bytes after a full collection (.NET GC heap, or V8 heapUsed), or null.</summary>
    public async Task<long?> ManagedHeapAsync()
    {
        if (_statsUri is null)
        {
            return null;
        }

        try
        {
            var stats = await _http.GetFromJsonAsync(_statsUri, StatsJsonContext.Default.TargetStats).ConfigureAwait(false);
            return stats?.Heap;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>CPU seconds used so far by this load-tool process.</summary>
    public static double ClientCpuSeconds() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>The 1-minute load average of the machine.</summary>
    public static double LoadAverage()
    {
        var text = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg") : "0";
        return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>What a target's /stats endpoint answers.</summary>
public sealed record TargetStats(long Heap, int Connections);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TargetStats))]
internal sealed partial class StatsJsonContext : JsonSerializerContext;
