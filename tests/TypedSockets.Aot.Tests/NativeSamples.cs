using System.Diagnostics;

namespace TypedSockets.Aot.Tests;

/// <summary>
/// samples/Chat.Server and samples/Chat.Client published with Native AOT (their projects set PublishAot) into a temp
/// folder, once per test run; deleted afterwards. Publishing needs clang and zlib1g-dev (Debian) besides the SDK.
/// </summary>
public sealed class NativeSamples : IAsyncLifetime
{
    /// <summary>One publish may take this long before the fixture gives up (a cold ILCompiler on a busy 2-core machine).</summary>
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(8);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "typedsockets-aot-" + Guid.NewGuid().ToString("N")[..8]);

    public string ServerDirectory => Path.Combine(_root, "chat-server");

    public string ClientDirectory => Path.Combine(_root, "chat-client");

    public string ServerPath => Path.Combine(ServerDirectory, "Chat.Server");

    public string ClientPath => Path.Combine(ClientDirectory, "Chat.Client");

    /// <summary>How long each publish took, for the test output.</summary>
    public IReadOnlyDictionary<string, TimeSpan> PublishTimes { get; private set; } = new Dictionary<string, TimeSpan>();

    public async Task InitializeAsync()
    {
        if (FindOnPath("clang") is null || !File.Exists("/usr/include/zlib.h"))
        {
            throw new InvalidOperationException(
                "Native AOT publishing needs clang and zlib1g-dev (clang on PATH, /usr/include/zlib.h), and one is missing. " +
                "Install them: apt-get install -y clang zlib1g-dev");
        }

        // One after the other: both build the same library projects, which two builds at once would fight over.
        var times = new Dictionary<string, TimeSpan>();
        times["Chat.Server"] = await PublishAsync("samples/Chat.Server/Chat.Server.csproj", ServerDirectory);
        times["Chat.Client"] = await PublishAsync("samples/Chat.Client/Chat.Client.csproj", ClientDirectory);
        PublishTimes = times;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static async Task<TimeSpan> PublishAsync(string project, string output)
    {
        var watch = Stopwatch.StartNew();
        await using var publish = TestProcess.Start(
            "dotnet",
            ["publish", Path.Combine(RepositoryRoot.Path, project), "-c", "Release", "-r", "linux-x64", "-o", output, "-nodeReuse:false", "-v", "q", "-nologo"],
            RepositoryRoot.Path);
        int exitCode;
        try
        {
            exitCode = await publish.WaitForExitAsync(s_publishTimeout);
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException($"dotnet publish {project} (Native AOT) took longer than {s_publishTimeout.TotalMinutes} minutes.", e);
        }

        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} (Native AOT) failed with exit code {exitCode}.\n{publish.Output}");
        }

        // Zero trimming/AOT warnings is part of the contract (they are not errors at publish time).
        var warnings = publish.Output.Split('\n').Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"\b(IL[23]\d{3}|IL4000)\b")).ToArray();
        if (warnings.Length > 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} reported trimming/AOT warnings:\n{string.Join('\n', warnings)}");
        }

        return watch.Elapsed;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
