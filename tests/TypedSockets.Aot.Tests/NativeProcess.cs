using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace TypedSockets.Aot.Tests;

/// <summary>
/// A process started by a test (a native sample, dotnet publish): output captured line by line, input writable,
/// killed with its children on dispose.
/// </summary>
public sealed class NativeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NativeProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Standard output and error, interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static NativeProcess Start(string fileName, IReadOnlyList<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(fileName) ?? Environment.CurrentDirectory,
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
        var native = new NativeProcess(process);
        process.OutputDataReceived += (_, e) => native.Append(e.Data);
        process.ErrorDataReceived += (_, e) => native.Append(e.Data);
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
        return native;
    }

    /// <summary>Types a line on the process's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails with the output so far.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(); // drains the output
                Assert.Fail($"'{text}' was not printed: the process exited with {_process.ExitCode}.\n{Output}");
            }

            Assert.True(DateTime.UtcNow < deadline, $"'{text}' was not printed within {timeout.TotalSeconds} s.\n{Output}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for the exit and returns the exit code; on timeout kills the process and fails.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            throw new TimeoutException($"`{_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)}` did not exit within {timeout.TotalSeconds} s.\n{Output}");
        }

        return _process.ExitCode;
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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
