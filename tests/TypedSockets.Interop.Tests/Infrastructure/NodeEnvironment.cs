using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace TypedSockets.Interop.Tests.Infrastructure;

/// <summary>
/// The Node side of the interop tests: finds <c>node</c> and <c>npm</c>, and installs the pinned npm packages of
/// <c>node/</c> with <c>npm ci</c> when <c>node_modules</c> is missing or older than the lock file.
/// The install runs once per test run (a static lazy task) and once across processes (a lock file).
/// </summary>
internal static class NodeEnvironment
{
    private const string MarkerFileName = ".typedsockets-interop-installed";
    private static readonly TimeSpan s_installTimeout = TimeSpan.FromMinutes(5);
    private static readonly Lazy<Task<string>> s_ready = new(PrepareAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding client.mjs, package.json and package-lock.json.</summary>
    public static string Directory { get; } = FindDirectory();

    /// <summary>The path of the driver script once the packages are installed.</summary>
    public static Task<string> EnsureReadyAsync() => s_ready.Value;

    private static async Task<string> PrepareAsync()
    {
        await RunToolAsync("node", "--version", TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var lockHash = HashLockFile();
        if (!IsInstalled(lockHash))
        {
            await InstallAsync(lockHash).ConfigureAwait(false);
        }

        return Path.Combine(Directory, "client.mjs");
    }

    /// <summary>
    /// Installed by this fixture from the same lock (the marker holds its hash), or by a plain <c>npm ci</c> after the
    /// lock last changed (npm's hidden lockfile, node_modules/.package-lock.json, is not older than the lock).
    /// </summary>
    private static bool IsInstalled(string lockHash)
    {
        var modules = Path.Combine(Directory, "node_modules");
        var marker = Path.Combine(modules, MarkerFileName);
        if (File.Exists(marker) && File.ReadAllText(marker).Trim() == lockHash)
        {
            return true;
        }

        var hiddenLock = new FileInfo(Path.Combine(modules, ".package-lock.json"));
        return hiddenLock.Exists && hiddenLock.LastWriteTimeUtc >= File.GetLastWriteTimeUtc(Path.Combine(Directory, "package-lock.json"));
    }

    private static async Task InstallAsync(string lockHash)
    {
        // Another test process may be installing into the same folder: take a machine-wide lock first.
        var lockPath = Path.Combine(Path.GetTempPath(), "typedsockets-interop-npm-" + Hash(Directory)[..16] + ".lock");
        using var fileLock = await AcquireFileLockAsync(lockPath, s_installTimeout).ConfigureAwait(false);
        if (IsInstalled(lockHash))
        {
            return;
        }

        await RunToolAsync("npm", "--version", TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        await RunToolAsync("npm", "ci --no-audit --no-fund --loglevel=error", s_installTimeout).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(Directory, "node_modules", MarkerFileName), lockHash).ConfigureAwait(false);
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (deadline.Elapsed < timeout)
            {
                await Task.Delay(200).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs node or npm in <see cref="Directory"/>; throws with its output when it is missing or fails.</summary>
    private static async Task RunToolAsync(string tool, string arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(tool, arguments)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["npm_config_update_notifier"] = "false";

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start '{tool}'.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"The interop tests need Node.js 18+ and npm on PATH, but '{tool}' could not be started ({e.Message}). " +
                "Install them (Debian: apt-get install nodejs npm) and run the tests again.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"'{tool} {arguments}' in {Directory} did not finish within {timeout}.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"'{tool} {arguments}' in {Directory} exited with {process.ExitCode}.{Environment.NewLine}" +
                    $"stdout: {await stdout.ConfigureAwait(false)}{Environment.NewLine}stderr: {await stderr.ConfigureAwait(false)}");
            }
        }
    }

    private static string HashLockFile() => Hash(File.ReadAllText(Path.Combine(Directory, "package-lock.json")));

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string FindDirectory()
    {
        var directory = typeof(NodeEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "InteropNodeDirectory")?.Value
            ?? throw new InvalidOperationException("The InteropNodeDirectory assembly metadata is missing.");
        if (!File.Exists(Path.Combine(directory, "client.mjs")))
        {
            throw new InvalidOperationException($"node/client.mjs not found in {directory}.");
        }

        return directory;
    }
}
