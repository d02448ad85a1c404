using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace TypedSockets.MessagePack.Tests;

/// <summary>
/// Runs the scripts of <c>node/</c>. Before the first run, installs their pinned packages with <c>npm ci</c> when
/// node_modules is missing or older than package-lock.json (once per test run, behind a gate).
/// </summary>
internal static class NodeRunner
{
    private static readonly SemaphoreSlim s_installGate = new(1, 1);
    private static bool s_installed;

    public static string ScriptsFolder => Path.Combine(RepositoryRoot.Path, "tests", "TypedSockets.MessagePack.Tests", "node");

    /// <summary>Runs <paramref name="script"/> to completion.</summary>
    public static async Task<NodeResult> RunAsync(string script, IReadOnlyList<string> args, TimeSpan timeout)
    {
        await EnsurePackagesAsync();
        using var process = Start("node", [script, .. args], ScriptsFolder, out var stdout, out var stderr);
        using var cts = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.WaitForExit(); // drains the redirected streams
        return new NodeResult($"node {script} {string.Join(' ', args)}", timedOut ? -1 : process.ExitCode, Read(stdout), Read(stderr), timedOut);
    }

    /// <summary>Starts <paramref name="script"/> and leaves it running (a Node server); the caller kills it.</summary>
    public static async Task<NodeProcess> StartAsync(string script, IReadOnlyList<string> args)
    {
        await EnsurePackagesAsync();
        var process = Start("node", [script, .. args], ScriptsFolder, out var stdout, out var stderr);
        return new NodeProcess(process, stdout, stderr);
    }

    private static async Task EnsurePackagesAsync()
    {
        await s_installGate.WaitAsync();
        try
        {
            if (s_installed)
            {
                return;
            }

            var dir = ScriptsFolder;
            var stamp = new FileInfo(Path.Combine(dir, "node_modules", ".package-lock.json"));
            var lockFile = new FileInfo(Path.Combine(dir, "package-lock.json"));
            if (!stamp.Exists || stamp.LastWriteTimeUtc < lockFile.LastWriteTimeUtc)
            {
                using var install = Start("npm", ["ci", "--no-audit", "--no-fund"], dir, out var stdout, out var stderr);
                using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
                await install.WaitForExitAsync(cts.Token);
                install.WaitForExit();
                if (install.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm ci failed in {dir} ({install.ExitCode}).\n{Read(stdout)}\n{Read(stderr)}");
                }
            }

            s_installed = true;
        }
        finally
        {
            s_installGate.Release();
        }
    }

    private static Process Start(string fileName, IReadOnlyList<string> args, string workingDirectory, out StringBuilder stdout, out StringBuilder stderr)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"Cannot start '{fileName}': {e.Message}. The MessagePack interop tests need Node.js 20+ and npm on PATH (Debian: apt-get install -y nodejs npm).", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        stdout = output;
        stderr = error;
        return process;
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    internal static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}

/// <summary>What a Node process did; <see cref="ToString"/> is written for assertion messages.</summary>
internal sealed record NodeResult(string Command, int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    public override string ToString() =>
        $"`{Command}` {(TimedOut ? "timed out" : $"exited with {ExitCode}")}\n--- stdout ---\n{StandardOutput}--- stderr ---\n{StandardError}";
}

/// <summary>A Node process left running (a server); disposing kills it.</summary>
internal sealed class NodeProcess(Process process, StringBuilder stdout, StringBuilder stderr) : IAsyncDisposable
{
    public string StandardOutput => NodeRunner.Read(stdout);

    public string StandardError => NodeRunner.Read(stderr);

    /// <summary>Waits for a line of standard output starting with <paramref name="prefix"/> and returns its rest.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var line in StandardOutput.Split('\n'))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..].Trim();
                }
            }

            if (process.HasExited)
            {
                break;
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException($"No '{prefix}' line from node.\n--- stdout ---\n{StandardOutput}--- stderr ---\n{StandardError}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}

internal static class RepositoryRoot
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TypedSockets.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"TypedSockets.sln not found above {AppContext.BaseDirectory}: run the tests from the repository.");
    });

    public static string Path => s_root.Value;
}
