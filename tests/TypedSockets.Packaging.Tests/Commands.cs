using System.Collections.Concurrent;
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

    /// <summary>Starts <c>dotnet <paramref name="assembly"/> <paramref name="args"/></c> (a built app) and reads its output as it comes.</summary>
    public static RunningApp StartApp(string assembly, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Prepare(start, null);
        start.Environment["DOTNET_NOLOGO"] = "1";
        return new RunningApp(Process.Start(start) ?? throw new InvalidOperationException("could not start " + assembly), $"dotnet {assembly} {string.Join(' ', args)}");
    }

    private static void Prepare(ProcessStartInfo start, IReadOnlyDictionary<string, string>? environment)
    {
        // The test host may run inside `dotnet test`, whose MSBuild variables describe the host's build, not these.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            if (value.Length == 0)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
    }

    internal static async Task<bool> WaitAsync(Process process, TimeSpan timeout)
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

/// <summary>A started app: its output lines so far, a way to wait for one, and Kill on dispose.</summary>
public sealed class RunningApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    internal RunningApp(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _exited.TrySetResult();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (_process.HasExited)
        {
            _exited.TrySetResult();
        }
    }

    public string CommandLine { get; }

    public string Output => string.Join('\n', _lines);

    /// <summary>The first output line <paramref name="match"/> accepts; fails when the app exits or <paramref name="timeout"/> passes first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var seen = _lines.FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }

            _waiters.Add((match, found));
        }

        var first = await Task.WhenAny(found.Task, _exited.Task, Task.Delay(timeout));
        if (first == found.Task)
        {
            return await found.Task;
        }

        throw new InvalidOperationException(
            (first == _exited.Task ? "The app exited" : $"Nothing matched within {timeout}") + $": {CommandLine}\n{Output}");
    }

    /// <summary>Waits for the app to exit by itself (killed after <paramref name="timeout"/>); the result holds all its output.</summary>
    public async Task<CommandResult> WaitForExitAsync(TimeSpan timeout)
    {
        var exited = await Commands.WaitAsync(_process, timeout);
        _process.WaitForExit(); // drains the redirected streams of this process (it has no children that keep them)
        return new CommandResult(CommandLine, exited ? _process.ExitCode : -1, Output, !exited);
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

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Enqueue(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Found.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }
}
