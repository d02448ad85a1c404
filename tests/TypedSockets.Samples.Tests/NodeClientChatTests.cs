namespace TypedSockets.Samples.Tests;

/// <summary>
/// Users on the official socket.io-client (Node) chat through the sample. Each test starts its own server and runs one
/// scenario of node/chat-clients.mjs, which asserts what the clients see; the test then checks the server's side.
/// </summary>
public sealed class NodeClientChatTests : IAsyncLifetime
{
    private ChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TwoUsersMeetInTheLobbyMoveToARoomAndExchangeMessages()
    {
        await RunScenarioAsync("conversation");

        // Alice was the last one in "dotnet": the room went away with its history when she disconnected.
        await _server.AssertEveryoneSignsOutAsync();
        Assert.Empty(_server.History.GetRecent("dotnet"));
    }

    [Fact]
    public async Task TypingIndicatorReachesTheRestOfTheRoomOnly()
    {
        await RunScenarioAsync("typing");
        await _server.AssertEveryoneSignsOutAsync();
    }

    [Fact]
    public async Task LateJoinerReceivesTheLastFiftyMessages()
    {
        await RunScenarioAsync("history");

        // "random" is permanent: its history outlives its users.
        await _server.AssertEveryoneSignsOutAsync();
        var history = _server.History.GetRecent("random");
        Assert.Equal(50, history.Count);
        Assert.Equal("message 5", history[0].Text);
        Assert.Equal("welcome, bob", history[^1].Text);
        Assert.True(history.Zip(history.Skip(1)).All(pair => pair.First.Id < pair.Second.Id), "ids grow");
    }

    [Fact]
    public async Task DuplicateUsernameIsRefusedUntilItsOwnerDisconnects()
    {
        await RunScenarioAsync("duplicateUsername");
        await _server.AssertEveryoneSignsOutAsync();
    }

    [Fact]
    public async Task InvalidPayloadsAreAnsweredWithErrorAcksAndTheServerKeepsServing()
    {
        await RunScenarioAsync("invalidPayloads");
        await _server.AssertEveryoneSignsOutAsync();
        Assert.Equal(["y".PadRight(500, 'y'), "still here", "hello eve"], _server.History.GetRecent("lobby").Select(m => m.Text));
    }

    private async Task RunScenarioAsync(string scenario)
    {
        var result = await NodeRunner.RunAsync("chat-clients.mjs", [_server.Url, scenario], TimeSpan.FromSeconds(40));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"PASS {scenario}", result.StandardOutput, StringComparison.Ordinal);
    }
}
