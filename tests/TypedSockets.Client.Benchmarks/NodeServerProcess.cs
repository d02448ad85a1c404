using System.Diagnostics;

namespace TypedSockets.Client.Benchmarks;

/// <summary>
/// The reference server of the client tests (<c>tests/TypedSockets.Client.Tests/node/server.mjs</c>, npm socket.io
/// 4.8.4) in its own process. Its node_modules must exist: run the client tests once, or <c>npm ci</c> in that folder.
/// </summary>
internal sealed class NodeServerProcess : IDisposable
{
    private readonly Process _process;

    private NodeServerProcess(Process process, int port)
    {
        _process = process;
        Uri = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Uri { get; }

    public static NodeServerProcess Start()
    {
        var dir = FindNodeFolder();
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "socket.io")))
        {
            throw new InvalidOperationException($"Run `npm ci` in {dir} first (or the client tests, which do it).");
        }

        var start = new ProcessStartInfo("node", ["server.mjs", """{"port":0,"pingInterval":25000,"pingTimeout":20000}"""])
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The Node server exited.");
        return new NodeServerProcess(process, int.Parse(line.AsSpan("listening ".Length), System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
        _process.Dispose();
    }

    private static string FindNodeFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "TypedSockets.Client.Tests", "node");
            if (File.Exists(Path.Combine(candidate, "server.mjs")))
            {
                return candidate;
            }
        }

        // BenchmarkDotNet runs from a generated folder under bin/: fall back to the working directory.
        var fromCwd = Path.Combine(Environment.CurrentDirectory, "tests", "TypedSockets.Client.Tests", "node");
        return File.Exists(Path.Combine(fromCwd, "server.mjs"))
            ? fromCwd
            : throw new InvalidOperationException("tests/TypedSockets.Client.Tests/node/server.mjs not found; run from the repository root.");
    }
}
