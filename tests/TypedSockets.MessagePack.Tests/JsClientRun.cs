using System.Collections.Concurrent;
using System.Text.Json;

namespace TypedSockets.MessagePack.Tests;

/// <summary>
/// Runs node/js-client.mjs once per transport against one <see cref="MessagePackTestServer"/> and keeps what each
/// scenario received, so every test asserts one scenario without starting Node again.
/// </summary>
public sealed class JsClientRun : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<JsonElement>>> _runs = new(StringComparer.Ordinal);
    private MessagePackTestServer? _server;

    public async Task InitializeAsync() => _server = await MessagePackTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>What scenario <paramref name="name"/> received over <paramref name="transport"/>; fails on a scenario error.</summary>
    public async Task<JsonElement> ScenarioAsync(string transport, string name)
    {
        var results = await _runs.GetOrAdd(transport, t => new Lazy<Task<JsonElement>>(() => RunAsync(t))).Value;
        Assert.True(results.TryGetProperty(name, out var scenario), $"scenario '{name}' missing from {results}");
        if (scenario.ValueKind == JsonValueKind.Object && scenario.TryGetProperty("error", out var error))
        {
            Assert.Fail($"scenario '{name}' over {transport} failed in node: {error.GetString()}");
        }

        return scenario;
    }

    private async Task<JsonElement> RunAsync(string transport)
    {
        var result = await NodeRunner.RunAsync("js-client.mjs", [_server!.Url, transport], TimeSpan.FromSeconds(45));
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
