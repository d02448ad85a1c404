using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace TypedSockets.Testing;

/// <summary>
/// Runs Node scripts of a folder that has its own pinned package-lock.json. Before the first run from a folder, installs
/// its packages with <c>npm ci</c> when node_modules is missing or older than package-lock.json (once per folder and
/// test run, behind a gate).
/// </summary>
public static class NodeScripts
{
    private static readonly SemaphoreSlim s_installGate = new(1, 1);
    private static readonly HashSet<string> s_installed = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="script"/> in <paramref name="folder"/> to completion (killed after <paramref name="timeout"/>).</summary>
    public static async Task<NodeResult> RunAsync(string folder, string script, IReadOnlyList<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        await EnsurePackagesAsync(folder);
        return await ExecAsync("node", [script, .. args], folder, timeout, environment);
    }

    /// <summary>Starts <paramref name="script"/> in <paramref name="folder"/> and leaves it running (a Node server); disposing the result kills it.</summary>
    public static async Task<NodeProcess> StartAsync(string folder, string script, IReadOnlyList<string> args)
    {
        await EnsurePackagesAsync(folder);
        var process = Start("node", [script, .. args], folder, null, out var stdout, out var stderr);
        return new NodeProcess(process, stdout, stderr);
    }

    /// <summary>Installs the pinned packages of <paramref name="folder"/> unless they are there and current.</summary>
    public static async Task EnsurePackagesAsync(string folder)
    {
        await s_installGate.WaitAsync();
        try
        {
            if (s_installed.Contains(folder))
            {
                return;
            }

            // Test projects run in parallel processes and may share a folder (the client tests of both target
            // frameworks do): one npm ci at a time per folder across processes.
            using var folderLock = await LockFolderAsync(folder);
            var stamp = new FileInfo(Path.Combine(folder, "node_modules", ".package-lock.json"));
            var lockFile = new FileInfo(Path.Combine(folder, "package-lock.json"));
            if (!stamp.Exists || stamp.LastWriteTimeUtc < lockFile.LastWriteTimeUtc)
            {
                var install = await ExecAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, TimeSpan.FromMinutes(3), null);
                if (install.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm ci failed in {folder}.\n{install}");
                }
            }

            s_installed.Add(folder);
        }
        finally
        {
            s_installGate.Release();
        }
    }

    /// <summary>An exclusive lock on a temp file named after <paramref name="folder"/>, held until disposed (bounded wait).</summary>
    private static async Task<FileStream> LockFolderAsync(string folder)
    {
        var name = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(folder))))[..16];
        var path = Path.Combine(Path.GetTempPath(), $"typedsockets-npm-{name}.lock");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100); // another test process is installing this folder's packages
            }
        }
    }

    private static async Task<NodeResult> ExecAsync(string fileName, IReadOnlyList<string> args, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment)
    {
        using var process = Start(fileName, args, workingDirectory, environment, out var stdout, out var stderr);
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
        return new NodeResult($"{fileName} {string.Join(' ', args)}", timedOut ? -1 : process.ExitCode, Read(stdout), Read(stderr), timedOut);
    }

    private static Process Start(
        string fileName, IReadOnlyList<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment,
        out StringBuilder stdout, out StringBuilder stderr)
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
                $"Cannot start '{fileName}': {e.Message}. These tests need Node.js 20+ and npm on PATH (Debian: apt-get install -y nodejs npm).", e);
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
public sealed record NodeResult(string Command, int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    public override string ToString() =>
        $"`{Command}` {(TimedOut ? "timed out" : $"exited with {ExitCode}")}\n--- stdout ---\n{StandardOutput}--- stderr ---\n{StandardError}";
}

/// <summary>A Node process left running (a server); disposing kills it.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout;
    private readonly StringBuilder _stderr;

    internal NodeProcess(Process process, StringBuilder stdout, StringBuilder stderr)
    {
        _process = process;
        _stdout = stdout;
        _stderr = stderr;
    }

    public string StandardOutput => NodeScripts.Read(_stdout);

    public string StandardError => NodeScripts.Read(_stderr);

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

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException($"No '{prefix}' line from node.\n--- stdout ---\n{StandardOutput}--- stderr ---\n{StandardError}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
