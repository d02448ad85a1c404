using System.ComponentModel;
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
        return new NodeProcess(Start("node", [script, .. args], folder, null));
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
        await using var process = Start(fileName, args, workingDirectory, environment);
        var exited = await process.TryWaitForExitAsync(timeout);
        return new NodeResult(process.CommandLine, exited ? process.ExitCode : -1, process.StandardOutput, process.StandardError, !exited);
    }

    private static TestProcess Start(string fileName, IReadOnlyList<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        TestProcess process;
        try
        {
            process = TestProcess.Start(fileName, args, workingDirectory, environment?.ToDictionary(e => e.Key, e => (string?)e.Value));
        }
        catch (InvalidOperationException e) when (e.InnerException is Win32Exception)
        {
            throw new InvalidOperationException(
                $"{e.Message}. These tests need Node.js 20+ and npm on PATH (Debian: apt-get install -y nodejs npm).", e.InnerException);
        }

        process.CloseInput();
        return process;
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
    private readonly TestProcess _process;

    internal NodeProcess(TestProcess process)
    {
        _process = process;
    }

    public string StandardOutput => _process.StandardOutput;

    public string StandardError => _process.StandardError;

    /// <summary>Waits for a line of standard output starting with <paramref name="prefix"/> and returns its rest.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        try
        {
            var line = await _process.WaitForOutputAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), timeout, standardOutputOnly: true);
            return line[prefix.Length..].Trim();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            throw new InvalidOperationException($"No '{prefix}' line from node.\n--- stdout ---\n{StandardOutput}--- stderr ---\n{StandardError}", e);
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
