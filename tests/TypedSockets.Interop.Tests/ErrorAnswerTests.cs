using System.Text.Json;
using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using TypedSockets.TestContracts;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// The error answer (<c>[{"error":{"message","code","data"}}]</c>) between a typed hub and the official npm
/// socket.io-client: <c>emitWithAck</c> resolves to the error object, and a JS callback answering with that shape makes
/// the hub's generated emitter throw <see cref="SocketInvocationException"/>.
/// </summary>
public sealed class ErrorAnswerTests(ITestOutputHelper output)
{
    public static TheoryData<string> Transports => ClientTransport.All;

    public sealed class RefusingHub : SocketHub<IShapesServer, IShapesClient>, IShapesServer
    {
        public void Note(string text) => throw new InvalidOperationException("unacknowledged failure");

        public Task Touch(int n, long big, double ratio, bool flag) => Task.CompletedTask;

        public Task<int> Add(int a, int b) => Task.FromResult(a + b);

        public ValueTask<string> Echo(string text, CancellationToken cancellationToken) => ValueTask.FromResult(text);

        public Task<byte[]> Reverse(byte[] data, ReadOnlyMemory<byte> suffix) => Task.FromResult(data);

        public Task<Sample> Roundtrip(Sample value) => Task.FromResult(value);

        public Task<bool> Slow(int delayMs, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<int> Join(string room) => room switch
        {
            "full" => throw new SocketInvocationException("Room is full", "room_full", new Dictionary<string, object?> { ["max"] = 2 }),
            "boom" => throw new InvalidOperationException("secret internals"),
            _ => Task.FromResult(1),
        };
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task EmitWithAckResolvesToTheErrorObject(string transport)
    {
        await using var server = await InteropServer.StartAsync(io => io.MapNamespace<RefusingHub>("/"), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);
        await client.WaitForAsync("connect", "c0");

        async Task<string> Answer(string eventName, object?[] args) =>
            (await client.EmitWithAckAsync("c0", eventName, args)).Arg(0).GetRawText();

        Assert.Equal("""{"error":{"message":"Room is full","code":"room_full","data":{"max":2}}}""", await Answer("join", ["full"]));
        Assert.Equal("""{"error":{"message":"An error occurred while handling 'join'.","code":"internal_error"}}""", await Answer("join", ["boom"]));
        Assert.Equal("""{"error":{"message":"Invalid arguments for 'join': 'room' must not be null.","code":"invalid_arguments"}}""", await Answer("join", [null]));
        Assert.Equal("""{"error":{"message":"Invalid arguments for 'add': 'b' is missing.","code":"invalid_arguments"}}""", await Answer("add", [2]));
        Assert.Equal("""{"error":{"message":"Invalid arguments for 'add': 'a' has the wrong type.","code":"invalid_arguments"}}""", await Answer("add", ["two", 3]));

        // An unacknowledged failure is only logged; the connection goes on and successes keep their shape.
        await client.EmitAsync("c0", "note", "x");
        Assert.Equal("5", await Answer("add", [2, 3]));
    }

    [Fact]
    public async Task AJavaScriptErrorAnswerThrowsInTheHubsEmitterAndIsAnErrorEntryOfABroadcast()
    {
        await using var server = await InteropServer.StartAsync(io => io.MapNamespace<RefusingHub>("/"), output);
        await using var node = await TypedAnswerer.StartAsync(server.Url, "node", 0, "room", output);
        var id = (await node.Joined).GetProperty("id").GetString();
        var socket = server.Io.Of("/").Sockets.Values.Single(s => s.Id == id);

        var error = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.Emitter<IShapesClient>().Ask("refuse now").WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(("node refuses", "refused"), (error.Message, error.Code));
        Assert.Equal("refuse now", ((JsonElement)error.ErrorData!).GetProperty("question").GetString());
        Assert.Equal("node says fine", await socket.Emitter<IShapesClient>().Ask("fine").WaitAsync(TimeSpan.FromSeconds(10)));

        var results = await server.Io.Of("/").Clients<IShapesClient>().Ask("refuse all").WaitAsync(TimeSpan.FromSeconds(10));
        var entry = Assert.Single(results);
        Assert.True(entry.IsError);
        Assert.Equal("refused", entry.Error!.Code);
    }
}
