using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace TypedSockets.Samples.Tests;

/// <summary>
/// Runs the Node scripts in <see cref="RepositoryPaths.NodeScripts"/>. Before the first run, installs their packages with
/// <c>npm ci</c> when node_modules is missing or older than package-lock.json (once per test run).
/// </summary>
internal static class NodeRunner
{
    private static readonly SemaphoreSlim s_installGate = new(1, 1);
    private static bool s_installed;

    public static async Task<NodeResult> RunAsync(string script, IReadOnlyList<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        await EnsurePackagesAsync();
        return await ExecAsync("node", [script, .. args], RepositoryPaths.NodeScripts, timeout, environment);
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

            var dir = RepositoryPaths.NodeScripts;
            var stamp = new FileInfo(Path.Combine(dir, "node_modules", ".package-lock.json"));
            var lockFile = new FileInfo(Path.Combine(dir, "package-lock.json"));
            if (!stamp.Exists || stamp.LastWriteTimeUtc < lockFile.LastWriteTimeUtc)
            {
                var install = await ExecAsync("npm", ["ci", "--no-audit", "--no-fund"], dir, TimeSpan.FromMinutes(3), null);
                if (install.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm ci failed in {dir}.\n{install}");
                }
            }

            s_installed = true;
        }
        finally
        {
            s_installGate.Release();
        }
    }

    private static async Task<NodeResult> ExecAsync(string fileName, IReadOnlyList<string> args, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment)
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

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Cannot start '{fileName}': {e.Message}. The sample tests need Node.js 20+ and npm on PATH (Debian: apt-get install -y nodejs npm).", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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
        var command = $"{fileName} {string.Join(' ', args)}";
        return new NodeResult(command, timedOut ? -1 : process.ExitCode, Read(stdout), Read(stderr), timedOut);
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

    private static string Read(StringBuilder buffer)
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
