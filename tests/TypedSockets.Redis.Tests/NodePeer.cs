using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace TypedSockets.Redis.Tests;

/// <summary>
/// A long-running <c>node peer.mjs</c> process (a socket.io server node, socket.io-client clients, the npm emitter),
/// driven with JSON commands on stdin. Installs the packages with <c>npm ci</c> first when node_modules is missing or
/// older than package-lock.json (once per test run).
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{

    private readonly Process _process;
    private readonly Lock _sync = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly List<JsonElement> _events = [];
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;
    private TaskCompletionSource _eventArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodePeer(Process process)
    {
        _process = process;
    }

    public static string ScriptsDirectory => Path.Combine(RepositoryRoot.Path, "tests", "TypedSockets.Redis.Tests", "node");

    public static async Task<NodePeer> StartAsync()
    {
        await NodeScripts.EnsurePackagesAsync(ScriptsDirectory);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = ScriptsDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("peer.mjs");
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("Cannot start node: these tests need Node.js 20+ and npm on PATH.", e);
        }

        var peer = new NodePeer(process);
        process.OutputDataReceived += (_, e) => peer.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (peer._stderr)
                {
                    peer._stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await peer._ready.Task.WaitAsync(TimeSpan.FromSeconds(15));
        return peer;
    }

    /// <summary>Runs a script to completion and returns its standard output.</summary>
    public static async Task<string> RunScriptAsync(string script, TimeSpan timeout)
    {
        await NodeScripts.EnsurePackagesAsync(ScriptsDirectory);
        var (code, stdout, stderr) = await ExecAsync("node", [script], timeout);
        if (code != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {code}:\n{stderr}");
        }

        return stdout;
    }

    /// <summary>Sends a command and waits for its answer; throws with the peer's error message when it failed.</summary>
    public async Task<JsonElement> SendAsync(string cmd, object? fields = null, TimeSpan? timeout = null)
    {
        var message = fields is null ? new JsonObject() : JsonSerializer.SerializeToNode(fields, JsonSerializerOptions.Web)!.AsObject();
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        int id;
        lock (_sync)
        {
            id = ++_nextId;
            _pending[id] = completion;
        }

        message["id"] = id;
        message["cmd"] = cmd;
        await _process.StandardInput.WriteLineAsync(message.ToJsonString());
        await _process.StandardInput.FlushAsync();
        JsonElement answer;
        try
        {
            answer = await completion.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The Node peer did not answer {cmd} in time.\n{StandardError}");
        }

        if (!answer.GetProperty("ok").GetBoolean())
        {
            throw new NodePeerException(cmd, answer.GetProperty("error").GetString() ?? "?");
        }

        return answer.GetProperty("result");
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The events reported so far that match.</summary>
    public List<JsonElement> Events(Func<JsonElement, bool> match)
    {
        lock (_sync)
        {
            return _events.Where(match).ToList();
        }
    }

    /// <summary>The events a client received, by name (<c>client</c> events only).</summary>
    public List<JsonElement> Received(string client, string eventName) =>
        Events(e => e.GetProperty("event").GetString() == "client" && e.GetProperty("name").GetString() == client && e.GetProperty("ev").GetString() == eventName);

    /// <summary>Waits until <paramref name="count"/> events match (bounded by <paramref name="timeout"/>).</summary>
    public async Task<List<JsonElement>> WaitForAsync(Func<JsonElement, bool> match, int count = 1, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task arrived;
            lock (_sync)
            {
                var found = _events.Where(match).ToList();
                if (found.Count >= count)
                {
                    return found;
                }

                arrived = _eventArrived.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Waited in vain for {count} event(s): {what}. Got {Events(match).Count}.\nLast events: {string.Join("\n", Events(_ => true).TakeLast(15).Select(e => e.GetRawText()))}\n{StandardError}");
            }

            await Task.WhenAny(arrived, Task.Delay(left));
        }
    }

    public Task<List<JsonElement>> WaitForClientEventAsync(string client, string eventName, int count = 1, TimeSpan? timeout = null) =>
        WaitForAsync(
            e => e.GetProperty("event").GetString() == "client" && e.GetProperty("name").GetString() == client && e.GetProperty("ev").GetString() == eventName,
            count,
            timeout,
            $"'{eventName}' on client {client}");

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line) || line[0] != '{')
        {
            return;
        }

        JsonElement message;
        try
        {
            message = JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException)
        {
            return;
        }

        if (message.TryGetProperty("ok", out _) && message.TryGetProperty("id", out var id))
        {
            TaskCompletionSource<JsonElement>? completion;
            lock (_sync)
            {
                _pending.Remove(id.GetInt32(), out completion);
            }

            completion?.TrySetResult(message);
            return;
        }

        if (message.GetProperty("event").GetString() == "ready")
        {
            _ready.TrySetResult();
            return;
        }

        TaskCompletionSource previous;
        lock (_sync)
        {
            _events.Add(message);
            previous = _eventArrived;
            _eventArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static async Task<(int Code, string StandardOutput, string StandardError)> ExecAsync(string fileName, string[] args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = ScriptsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}

public sealed class NodePeerException(string command, string error) : Exception($"The Node peer failed {command}: {error}");

/// <summary>Folders of the repository the tests run from (found by walking up to TypedSockets.sln).</summary>
