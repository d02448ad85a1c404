using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests.Infrastructure;

/// <summary>One node/typed-answerer.mjs process; its stdout lines as JSON.</summary>
internal sealed class TypedAnswerer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<JsonElement> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TypedAnswerer(Process process, ITestOutputHelper output, string name)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line)
            {
                return;
            }

            output.WriteLine($"[{name}] {line}");
            var json = JsonDocument.Parse(line).RootElement.Clone();
            if (json.GetProperty("type").GetString() == "joined")
            {
                _joined.TrySetResult(json);
            }
        };
        process.ErrorDataReceived += (_, e) => output.WriteLine($"[{name} stderr] {e.Data}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Task<JsonElement> Joined => _joined.Task.WaitAsync(TimeSpan.FromSeconds(20));

    public static async Task<TypedAnswerer> StartAsync(Uri url, string name, int answerDelayMs, string room, ITestOutputHelper output)
    {
        await NodeEnvironment.EnsureReadyAsync();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeEnvironment.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(NodeEnvironment.Directory, "typed-answerer.mjs"));
        info.ArgumentList.Add(url.ToString());
        info.ArgumentList.Add(name);
        info.ArgumentList.Add(answerDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(room);
        return new TypedAnswerer(Process.Start(info) ?? throw new InvalidOperationException("Could not start node."), output, name);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
