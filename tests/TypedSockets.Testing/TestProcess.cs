using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace TypedSockets.Testing;

/// <summary>
/// A child process started by a test (a built app, a native sample, a Node script): its standard output and error
/// captured line by line (apart and interleaved), its standard input writable, waits driven by the output events,
/// and the process killed with its children on a timed-out wait and on dispose.
/// </summary>
public sealed class TestProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly object _gate = new();
    private readonly List<(string Text, bool IsError)> _lines = [];
    private readonly List<(Func<string, bool> Match, bool StandardOutputOnly, TaskCompletionSource<string> Found)> _waiters = [];
    private Task? _exited;
    private bool _disposed;

    private TestProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    /// <summary><c>fileName args</c>, for messages.</summary>
    public string CommandLine { get; }

    /// <summary>Standard output and error, interleaved as they arrived (each line ends with a newline).</summary>
    public string Output => Join(_ => true);

    public string StandardOutput => Join(line => !line.IsError);

    public string StandardError => Join(line => line.IsError);

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once the process has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="args"/> in <paramref name="workingDirectory"/> (by default
    /// the file's folder) with <paramref name="environment"/> applied to a copy of this process's environment (a null
    /// value removes a variable). Throws <see cref="InvalidOperationException"/> when the file cannot be started.
    /// </summary>
    public static TestProcess Start(
        string fileName, IReadOnlyList<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? (Path.GetDirectoryName(fileName) is { Length: > 0 } folder ? folder : Environment.CurrentDirectory),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
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

        var process = new Process { StartInfo = start };
        var started = new TestProcess(process, $"{fileName} {string.Join(' ', args)}");
        process.OutputDataReceived += (_, e) => started.OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => started.OnLine(e.Data, isError: true);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"Cannot start '{fileName}': {e.Message}", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        started._exited = process.WaitForExitAsync(); // completes once the process has exited and its output is drained
        return started;
    }

    /// <summary>Types a line on the process's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes the process's standard input (it reads end of file).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits for an output line containing <paramref name="text"/> and returns it; fails with the output so far.</summary>
    public Task<string> WaitForOutputAsync(string text, TimeSpan timeout) =>
        WaitForOutputAsync(line => line.Contains(text, StringComparison.Ordinal), timeout, $"'{text}'");

    /// <summary>
    /// Waits for the first output line (of standard output only, when <paramref name="standardOutputOnly"/>) that
    /// <paramref name="match"/> accepts and returns it; fails with the output so far when the process exits or
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> match, TimeSpan timeout, string? what = null, bool standardOutputOnly = false)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (var (text, isError) in _lines)
            {
                if ((!standardOutputOnly || !isError) && match(text))
                {
                    return text;
                }
            }

            _waiters.Add((match, standardOutputOnly, found));
        }

        using var cancel = new CancellationTokenSource();
        var first = await Task.WhenAny(found.Task, _exited!, Task.Delay(timeout, cancel.Token));
        cancel.Cancel();
        if (found.Task.IsCompleted)
        {
            return await found.Task;
        }

        lock (_gate)
        {
            _waiters.RemoveAll(w => w.Found == found);
        }

        what ??= "A matching line";
        throw first == _exited
            ? new InvalidOperationException($"{what} was not printed: `{CommandLine}` exited with {_process.ExitCode}.\n{Output}")
            : new TimeoutException($"{what} was not printed within {timeout.TotalSeconds} s: `{CommandLine}`.\n{Output}");
    }

    /// <summary>
    /// Waits for the process to exit by itself and for its output; after <paramref name="timeout"/> kills it with its
    /// children and returns false.
    /// </summary>
    public async Task<bool> TryWaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _exited!.WaitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _exited!;
            return false;
        }
    }

    /// <summary>Waits for the exit and returns the exit code; on timeout kills the process and fails with the output so far.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        if (!await TryWaitForExitAsync(timeout))
        {
            throw new TimeoutException($"`{CommandLine}` did not exit within {timeout.TotalSeconds} s.\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            Kill();
            await _exited!;
        }

        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited in the meantime.
        }
    }

    private string Join(Func<(string Text, bool IsError), bool> which)
    {
        var text = new StringBuilder();
        lock (_gate)
        {
            foreach (var line in _lines.Where(which))
            {
                text.AppendLine(line.Text);
            }
        }

        return text.ToString();
    }

    private void OnLine(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add((line, isError));
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                if ((!waiter.StandardOutputOnly || !isError) && waiter.Match(line))
                {
                    waiter.Found.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
