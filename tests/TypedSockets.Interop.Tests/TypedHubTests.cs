using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using TypedSockets.TestContracts;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// The official npm socket.io-client against a typed hub: its plain emits reach the generated dispatcher (acks carry
/// the methods' results), and the hub's generated emitters and typed broadcasts arrive as ordinary events.
/// </summary>
public sealed class TypedHubTests(ITestOutputHelper output)
{
    public static TheoryData<string> Transports => ClientTransport.All;

    public sealed class ShapesHub : SocketHub<IShapesServer, IShapesClient>, IShapesServer
    {
        public void Note(string text) => Caller.Notice("note " + text, text.Length);

        public Task Touch(int n, long big, double ratio, bool flag)
        {
            Caller.Notice(FormattableString.Invariant($"touch {n} {big} {ratio} {flag}"), n);
            return Task.CompletedTask;
        }

        public Task<int> Add(int a, int b) => Task.FromResult(a + b);

        public ValueTask<string> Echo(string text, CancellationToken cancellationToken) => ValueTask.FromResult(text);

        public Task<byte[]> Reverse(byte[] data, ReadOnlyMemory<byte> suffix) => Task.FromResult(data.Concat(suffix.ToArray()).Reverse().ToArray());

        public Task<Sample> Roundtrip(Sample value) => Task.FromResult(new Sample(value.Name.ToUpperInvariant(), value.Values.Reverse().ToArray()));

        public async Task<bool> Slow(int delayMs, CancellationToken cancellationToken)
        {
            await Task.Delay(delayMs, cancellationToken);
            return true;
        }

        public async Task<int> Join(string room)
        {
            await Socket.JoinAsync(room);
            await Caller.Blob([1, 2, 3], new byte[] { 0xFE });
            return Socket.Namespace.Adapter.GetSockets([room]).Count;
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NodeClientCallsTheHubsMethods(string transport)
    {
        await using var server = await InteropServer.StartAsync(io => io.MapNamespace<ShapesHub>("/"), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);
        await client.WaitForAsync("connect", "c0");

        Assert.Equal(5, (await client.EmitWithAckAsync("c0", "add", [2, 3])).Arg(0).GetInt32());
        Assert.Equal("ünï \"q\"", (await client.EmitWithAckAsync("c0", "echo:text", ["ünï \"q\""])).Arg(0).GetString());
        var reversed = (await client.EmitWithAckAsync("c0", "reverse", [NodeJson.Buffer([1, 2, 3]), NodeJson.Buffer([9])])).Arg(0);
        Assert.Equal([9, 3, 2, 1], reversed.GetBinary());
        Assert.Equal("Buffer", reversed.GetBinaryType());
        var sample = (await client.EmitWithAckAsync("c0", "roundtrip", [new { name = "abc", values = new[] { 1, 2, 3 } }])).Arg(0);
        Assert.Equal("ABC", sample.GetProperty("name").GetString());
        Assert.Equal([3, 2, 1], sample.GetProperty("values").EnumerateArray().Select(v => v.GetInt32()));
        Assert.True((await client.EmitWithAckAsync("c0", "slow", [20])).Arg(0).GetBoolean());

        // void and Task methods: no ack; the hub answers through its typed Caller emitter.
        await client.EmitAsync("c0", "note", "héllo");
        var note = await client.WaitForAsync("event", "c0", "notice");
        Assert.Equal("note héllo", note.Arg(0).GetString());
        Assert.Equal(5, note.Arg(1).GetInt32());
        await client.EmitAsync("c0", "touch", 7, 1L << 40, 0.5, true);
        var touch = await client.WaitForAsync(o => o.Is("event", "c0", "notice") && o.Arg(1).GetInt32() == 7, "the touch notice");
        Assert.Equal("touch 7 1099511627776 0.5 True", touch.Arg(0).GetString());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task TypedEmittersAndBroadcastsReachNodeClients(string transport)
    {
        await using var server = await InteropServer.StartAsync(io => io.MapNamespace<ShapesHub>("/"), output);
        await using var client = await NodeClient.StartAsync("many", server.Url, transport, output, count: 3);
        foreach (var name in new[] { "c0", "c1", "c2" })
        {
            await client.WaitForAsync("connect", name);
        }

        Assert.Equal(1, (await client.EmitWithAckAsync("c0", "join", ["blue"])).Arg(0).GetInt32());
        Assert.Equal(2, (await client.EmitWithAckAsync("c1", "join", ["blue"])).Arg(0).GetInt32());

        // Caller.Blob from Join: two binary attachments.
        var blob = await client.WaitForAsync("event", "c0", "blob");
        Assert.Equal([1, 2, 3], blob.Arg(0).GetBinary());
        Assert.Equal([0xFE], blob.Arg(1).GetBinary());

        server.Io.Of("/").Clients<IShapesClient>().To("blue").Notice("to blue", 42);
        var got = await client.WaitForCountAsync(o => o.Is("event", eventName: "notice"), 2, "the room broadcast");
        Assert.Equal(["c0", "c1"], got.Select(o => o.Client).Order());
        Assert.All(got, o => Assert.Equal("to blue", o.Arg(0).GetString()));
        Assert.All(got, o => Assert.Equal(42, o.Arg(1).GetInt32()));
        await client.AssertNoneDuringAsync(o => o.Is("event", "c2", "notice"), TimeSpan.FromMilliseconds(300), "c2 is not in the room");
    }
}
