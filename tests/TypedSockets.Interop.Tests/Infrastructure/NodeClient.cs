using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace TypedSockets.Interop.Tests.Infrastructure;

/// <summary>
/// One run of node/client.mjs (the real npm socket.io-client): reads its observations from stdout as they come,
/// sends it commands on stdin, and kills its process tree when disposed or when the hard timeout expires.
/// </summary>
internal sealed class NodeClient : IAsyncDisposable
{
    /// <summary>How long the driver may live: it exits by itself after this, and is killed a little later.</summary>
    private static readonly TimeSpan s_lifetime = TimeSpan.FromSeconds(45);

    /// <summary>The default wait for one observation.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);

    private static readonly JsonSerializerOptions s_commandJson = new(JsonSerializerDefaults.Web);

    private readonly Process _process;
    private readonly ITestOutputHelper? _output;
    private readonly string _commandLine;
    private readonly Lock _sync = new();
    private readonly List<ClientObservation> _observations = [];
    private readonly StringBuilder _stderr = new();
    private readonly CancellationTokenSource _hardTimeout = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _exited;
    private int _seq;

    private NodeClient(Process process, string commandLine, ITestOutputHelper? output)
    {
        _process = process;
        _commandLine = commandLine;
        _output = output;
        _stderrPump = PumpStderrAsync();
        _stdoutPump = PumpStdoutAsync();
        _hardTimeout.Token.Register(static state => ((NodeClient)state!).Kill(), this);
        _hardTimeout.CancelAfter(s_lifetime + TimeSpan.FromSeconds(5));
    }

    /// <summary>Observations so far, in order.</summary>
    public IReadOnlyList<ClientObservation> Observations
    {
        get
        {
            lock (_sync)
            {
                return [.. _observations];
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <c>node client.mjs &lt;scenario&gt; &lt;url&gt;</c>. <paramref name="options"/> are socket.io-client Manager
    /// options (reconnection delays, query, extraHeaders...); <paramref name="auth"/> and <paramref name="nsp"/> are the
    /// "single" scenario's auth payload and namespace; <paramref name="count"/> is the "many" scenario's socket count.
    /// </summary>
    public static async Task<NodeClient> StartAsync(
        string scenario,
        Uri url,
        string transport,
        ITestOutputHelper? output = null,
        object? options = null,
        object? auth = null,
        int? count = null,
        string? nsp = null)
    {
        var script = await NodeEnvironment.EnsureReadyAsync();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeEnvironment.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(scenario);
        info.ArgumentList.Add(url.ToString());
        info.ArgumentList.Add("--transport");
        info.ArgumentList.Add(transport);
        info.ArgumentList.Add("--timeout");
        info.ArgumentList.Add(((int)s_lifetime.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (options is not null)
        {
            info.ArgumentList.Add("--opts");
            info.ArgumentList.Add(JsonSerializer.Serialize(options, s_commandJson));
        }

        if (auth is not null)
        {
            info.ArgumentList.Add("--auth");
            info.ArgumentList.Add(JsonSerializer.Serialize(auth, s_commandJson));
        }

        if (nsp is not null)
        {
            info.ArgumentList.Add("--nsp");
            info.ArgumentList.Add(nsp);
        }

        if (count is { } n)
        {
            info.ArgumentList.Add("--count");
            info.ArgumentList.Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var commandLine = "node " + string.Join(' ', info.ArgumentList.Select(a => a.Contains(' ') || a.Contains('"') ? $"'{a}'" : a));
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node.");
        output?.WriteLine($"[node] started: {commandLine}");
        return new NodeClient(process, commandLine, output);
    }

    // ---- Commands --------------------------------------------------------------------------------------------------

    /// <summary>Emits an event from <paramref name="client"/> without an ack.</summary>
    public Task EmitAsync(string client, string eventName, params object?[] args) =>
        SendAsync(new { op = "emit", client, @event = eventName, args, ack = false });

    /// <summary>
    /// Emits with <c>socket.timeout(..).emitWithAck</c> and waits for the reply: the "ack" observation, whose
    /// <c>args</c> holds the first argument of the acknowledgement (all of them with <paramref name="allArgs"/>).
    /// </summary>
    public async Task<ClientObservation> EmitWithAckAsync(string client, string eventName, object?[] args, bool allArgs = false, TimeSpan? timeout = null)
    {
        var seq = Interlocked.Increment(ref _seq);
        var wait = timeout ?? TimeSpan.FromSeconds(10);
        await SendAsync(new { op = "emit", client, @event = eventName, args, ack = true, allArgs, seq, timeout = (int)wait.TotalMilliseconds });
        var reply = await WaitForAsync(
            o => (o.Type is "ack" or "ack_error") && o.Client == client && o.Json.TryGetProperty("seq", out var s) && s.GetInt32() == seq,
            $"the ack of '{eventName}' (seq {seq}) on {client}",
            wait + TimeSpan.FromSeconds(5));
        Assert.True(reply.Type == "ack", $"emitWithAck('{eventName}') failed in Node: {reply.Line}{Environment.NewLine}{Describe()}");
        return reply;
    }

    /// <summary>Calls <c>socket.disconnect()</c> on <paramref name="client"/>.</summary>
    public Task DisconnectAsync(string client) => SendAsync(new { op = "disconnect", client });

    /// <summary>Calls <c>socket.connect()</c> on <paramref name="client"/>.</summary>
    public Task ConnectAsync(string client) => SendAsync(new { op = "connect", client });

    /// <summary>Closes the Engine.IO connection under <paramref name="client"/> (<c>socket.io.engine.close()</c>), as a network drop would.</summary>
    public Task CloseEngineAsync(string client) => SendAsync(new { op = "close-engine", client });

    private async Task SendAsync(object command)
    {
        var line = JsonSerializer.Serialize(command, s_commandJson);
        _output?.WriteLine($"[node] <- {line}");
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    // ---- Waiting -------------------------------------------------------------------------------------------------

    /// <summary>Waits for the first observation matching <paramref name="predicate"/> (earlier ones count).</summary>
    public async Task<ClientObservation> WaitForAsync(Func<ClientObservation, bool> predicate, string description, TimeSpan? timeout = null)
    {
        var matches = await WaitForCountAsync(predicate, 1, description, timeout);
        return matches[0];
    }

    /// <summary>Waits for the observation of <paramref name="type"/> about <paramref name="client"/> (and event).</summary>
    public Task<ClientObservation> WaitForAsync(string type, string client, string? eventName = null, TimeSpan? timeout = null) =>
        WaitForAsync(o => o.Is(type, client, eventName), $"'{type}'{(eventName is null ? string.Empty : $" '{eventName}'")} on {client}", timeout);

    /// <summary>Waits until <paramref name="count"/> observations match; returns them in order.</summary>
    public async Task<IReadOnlyList<ClientObservation>> WaitForCountAsync(Func<ClientObservation, bool> predicate, int count, string description, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultWait;
        while (true)
        {
            Task changed;
            bool exited;
            List<ClientObservation> matches;
            lock (_sync)
            {
                matches = _observations.Where(predicate).ToList();
                changed = _changed.Task;
                exited = _exited;
            }

            if (matches.Count >= count)
            {
                return matches;
            }

            if (exited)
            {
                throw new XunitException($"The Node client exited before {description} ({matches.Count}/{count} seen).{Environment.NewLine}{Describe()}");
            }

            var remaining = limit - deadline.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new XunitException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {description} ({matches.Count}/{count} seen).{Environment.NewLine}{Describe()}");
            }

            await Task.WhenAny(changed, Task.Delay(remaining));
        }
    }

    /// <summary>
    /// Asserts that nothing matching <paramref name="predicate"/> shows up during <paramref name="period"/>
    /// (for "the client does not reconnect"). Keep the period short.
    /// </summary>
    public async Task AssertNoneDuringAsync(Func<ClientObservation, bool> predicate, TimeSpan period, string description)
    {
        await Task.Delay(period);
        var unexpected = Observations.Where(predicate).ToList();
        Assert.True(unexpected.Count == 0, $"Unexpected {description}: {string.Join(Environment.NewLine, unexpected)}{Environment.NewLine}{Describe()}");
    }

    /// <summary>The command line, every observation and stderr: appended to every failure message.</summary>
    public string Describe()
    {
        lock (_sync)
        {
            var text = new StringBuilder();
            text.AppendLine($"command: {_commandLine}");
            text.AppendLine($"exit: {(_process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "running")}");
            text.AppendLine("stdout:");
            foreach (var observation in _observations)
            {
                text.Append("  ").AppendLine(observation.Line);
            }

            text.AppendLine("stderr:");
            text.Append(_stderr);
            return text.ToString();
        }
    }

    // ---- Process -------------------------------------------------------------------------------------------------

    /// <summary>Kills the Node process tree at once (as a crash would): its TCP connections drop without a close.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Waits for the process to end after a kill.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await SendAsync(new { op = "exit" });
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(3)).Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
            {
                // Stdin closed or the process hangs: killed below.
            }
        }

        Kill();
        try
        {
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }

        _output?.WriteLine(Describe());
        _hardTimeout.Dispose();
        _process.Dispose();
    }

    private async Task PumpStdoutAsync()
    {
        await Task.Yield();
        var reader = _process.StandardOutput;
        while (await reader.ReadLineAsync() is { } line)
        {
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException)
            {
                json = JsonDocument.Parse(JsonSerializer.Serialize(new { type = "raw", text = line })).RootElement.Clone();
            }

            Publish(() => _observations.Add(new ClientObservation(_observations.Count, line, json)));
        }

        // stdout closed: the process is exiting; make sure its exit code and stderr are there before waiters report them.
        await _process.WaitForExitAsync();
        await _stderrPump;
        Publish(() => _exited = true);
    }

    private async Task PumpStderrAsync()
    {
        await Task.Yield();
        var reader = _process.StandardError;
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_sync)
            {
                _stderr.AppendLine(line);
            }
        }
    }

    private void Publish(Action change)
    {
        TaskCompletionSource changed;
        lock (_sync)
        {
            change();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
