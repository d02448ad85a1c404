using System.Diagnostics;

namespace TypedSockets.Packaging.Tests;

/// <summary>What a finished command printed (stdout and stderr interleaved) and how it ended.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Output, bool TimedOut)
{
    public override string ToString() =>
        $"{CommandLine}\nexit code {(TimedOut ? "(killed after the timeout)" : ExitCode)}\n{Output}";
}

/// <summary>
/// Runs the .NET CLI and the built apps. A build's output goes to a file through <c>/bin/sh</c>, never to a pipe:
/// MSBuild nodes and the compiler server outlive the build and would keep a pipe open, so waiting for the end of
/// its output would wait for them.
/// </summary>
public static class Commands
{
    /// <summary>
    /// Runs <c>dotnet <paramref name="args"/></c> in <paramref name="workingDirectory"/> to completion (killed after
    /// <paramref name="timeout"/>), with <paramref name="environment"/> added to a copy of this process's
    /// environment (an empty value removes a variable) less the MSBuild variables of the test host's own build.
    /// </summary>
    public static async Task<CommandResult> DotnetAsync(string workingDirectory, IReadOnlyList<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var log = Path.Combine(Path.GetTempPath(), $"typedsockets-packaging-{Guid.NewGuid():N}.log");
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = workingDirectory, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec dotnet \"$@\" >\"$TYPEDSOCKETS_COMMAND_LOG\" 2>&1");
        start.ArgumentList.Add("sh");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Prepare(start, environment);
        start.Environment["TYPEDSOCKETS_COMMAND_LOG"] = log;
        var commandLine = "dotnet " + string.Join(' ', args);
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + commandLine);
            var timedOut = !await WaitAsync(process, timeout);
            return new CommandResult(commandLine, timedOut ? -1 : process.ExitCode, File.Exists(log) ? await File.ReadAllTextAsync(log) : "", timedOut);
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>Starts <c>dotnet <paramref name="assembly"/> <paramref name="args"/></c> (a built app) and reads its output as it comes; disposing it kills it.</summary>
    public static TestProcess StartApp(string assembly, IReadOnlyList<string> args) =>
        TestProcess.Start("dotnet", [assembly, .. args], Path.GetDirectoryName(assembly)!, ChildEnvironment(null));

    /// <summary>Waits for a started app to exit by itself (killed after <paramref name="timeout"/>); the result holds all its output.</summary>
    public static async Task<CommandResult> WaitForAppAsync(TestProcess app, TimeSpan timeout)
    {
        var exited = await app.TryWaitForExitAsync(timeout);
        return new CommandResult(app.CommandLine, exited ? app.ExitCode : -1, app.Output, !exited);
    }

    private static void Prepare(ProcessStartInfo start, IReadOnlyDictionary<string, string>? environment)
    {
        foreach (var (name, value) in ChildEnvironment(environment))
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
    }

    /// <summary>The changes to this process's environment for a child: null removes a variable.</summary>
    private static Dictionary<string, string?> ChildEnvironment(IReadOnlyDictionary<string, string>? environment)
    {
        // The test host may run inside `dotnet test`, whose MSBuild variables describe the host's build, not these.
        var changes = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(k => k, _ => (string?)null);
        changes["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        changes["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        changes["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            changes[name] = value.Length == 0 ? null : value;
        }

        return changes;
    }

    private static async Task<bool> WaitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return false;
        }
    }
}
