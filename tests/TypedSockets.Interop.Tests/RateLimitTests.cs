using System.Threading.RateLimiting;
using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using TypedSockets.TestContracts;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// Event rate limits seen by the official npm socket.io-client: a hub method limited with
/// <c>MapNamespace&lt;THub&gt;(name, o =&gt; o.RequireRateLimiting(event, policy))</c> answers <c>emitWithAck</c> past its budget
/// with the <c>rate_limited</c> error object while other methods go on, and a <c>Disconnect</c> policy ends in
/// "io server disconnect". The windows are an hour long: nothing replenishes during the test.
/// </summary>
public sealed class RateLimitTests(ITestOutputHelper output)
{
    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ALimitedHubMethodAnswersRateLimitedAndOtherMethodsGoOn(string transport)
    {
        await using var server = await InteropServer.StartAsync(
            io => io.MapNamespace<ErrorAnswerTests.RefusingHub>("/", o => o.RequireRateLimiting("add", "twice")),
            output,
            o => o.RateLimiting.AddFixedWindowPolicy("twice", new FixedWindowRateLimiterOptions { PermitLimit = 2, Window = TimeSpan.FromHours(1) }));
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);
        await client.WaitForAsync("connect", "c0");

        async Task<string> Answer(string eventName, object?[] args) =>
            (await client.EmitWithAckAsync("c0", eventName, args)).Arg(0).GetRawText();

        Assert.Equal("3", await Answer("add", [1, 2]));
        Assert.Equal("5", await Answer("add", [2, 3]));
        Assert.Equal("""{"error":{"message":"Rate limit exceeded for 'add'.","code":"rate_limited"}}""", await Answer("add", [3, 4]));
        Assert.Equal("\"still here\"", await Answer("echo:text", ["still here"]));
    }

    [Fact]
    public async Task ADisconnectPolicyEndsInIoServerDisconnect()
    {
        await using var server = await InteropServer.StartAsync(
            io => io.MapNamespace<ErrorAnswerTests.RefusingHub>("/", o => o.RequireRateLimiting("strict")),
            output,
            o => o.RateLimiting.AddFixedWindowPolicy(
                "strict", new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1) }, action: SocketRateLimitAction.Disconnect));
        await using var client = await NodeClient.StartAsync("single", server.Url, ClientTransport.WebSocket, output);
        await client.WaitForAsync("connect", "c0");

        Assert.Equal("3", (await client.EmitWithAckAsync("c0", "add", [1, 2])).Arg(0).GetRawText());
        Assert.Equal(
            """{"error":{"message":"Rate limit exceeded for 'add'.","code":"rate_limited"}}""",
            (await client.EmitWithAckAsync("c0", "add", [1, 2])).Arg(0).GetRawText());
        Assert.Equal("io server disconnect", (await client.WaitForAsync("disconnect", "c0")).String("reason"));
    }
}
