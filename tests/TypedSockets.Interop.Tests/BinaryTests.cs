using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Protocol.SocketIO;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>Binary attachments both ways: Node Buffers and .NET byte arrays, top-level, nested, and in acknowledgements.</summary>
public sealed class BinaryTests(ITestOutputHelper output)
{
    private static readonly byte[] s_allBytes = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];
    private static readonly byte[] s_large = [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7 % 251))];

    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NodeBufferArrivesOnTheServerAsAByteArray(string transport)
    {
        var received = new Recorder<SocketIOArguments>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
            socket.On("upload", e => received.Add(e.Arguments))), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        await client.EmitAsync("c0", "upload", NodeJson.Buffer(s_allBytes), "between", NodeJson.Buffer([7]), NodeJson.Buffer(s_large), NodeJson.Buffer([]));
        var args = await received.WaitForAsync("the 'upload' event");

        Assert.Equal(5, args.Count);
        Assert.Equal(s_allBytes, args.Get<byte[]>(0));
        Assert.Equal(s_allBytes, args.Get<ReadOnlyMemory<byte>>(0).ToArray());
        Assert.Equal("between", args.Get<string>(1));
        Assert.Equal([7], args.Get<byte[]>(2));
        Assert.Equal(s_large, args.Get<byte[]>(3));
        Assert.Empty(args.Get<byte[]>(4)!);
        Assert.IsType<byte[]>(args.GetRaw(0));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerByteArrayArrivesInNodeAsABuffer(string transport)
    {
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
            socket.Emit("download", s_allBytes, new FilePayload("f.bin", [1, 2, 3], [[4], [5, 6]]), s_large, "after")), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        var download = await client.WaitForAsync("event", "c0", "download");

        Assert.Equal(s_allBytes, download.Arg(0).GetBinary());
        Assert.Equal("Buffer", download.Arg(0).GetBinaryType());
        var file = download.Arg(1);
        Assert.Equal("f.bin", file.GetProperty("name").GetString());
        Assert.Equal([1, 2, 3], file.GetProperty("content").GetBinary());
        Assert.Equal("Buffer", file.GetProperty("content").GetBinaryType());
        Assert.Equal([4], file.GetProperty("parts")[0].GetBinary());
        Assert.Equal([5, 6], file.GetProperty("parts")[1].GetBinary());
        Assert.Equal(s_large, download.Arg(2).GetBinary());
        Assert.Equal("after", download.Arg(3).GetString());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NestedBuffersInAnObjectBindToAPocoWithByteArrays(string transport)
    {
        var received = new Recorder<SocketIOArguments>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
            socket.On("upload-file", e => received.Add(e.Arguments))), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        await client.EmitAsync("c0", "upload-file", new { name = "doc.pdf", content = NodeJson.Buffer(s_allBytes), parts = new[] { NodeJson.Buffer([9]), NodeJson.Buffer([8, 7]) } });
        var args = await received.WaitForAsync("the 'upload-file' event");

        var file = args.Get<FilePayload>(0)!;
        Assert.Equal("doc.pdf", file.Name);
        Assert.Equal(s_allBytes, file.Content);
        Assert.Equal(2, file.Parts.Length);
        Assert.Equal([9], file.Parts[0]);
        Assert.Equal([8, 7], file.Parts[1]);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BinaryTravelsInAcknowledgementsBothWays(string transport)
    {
        var replies = new Recorder<SocketIOArguments>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
        {
            socket.On("reverse", e =>
            {
                var bytes = e.GetArgument<byte[]>(0)!;
                Array.Reverse(bytes);
                e.Ack(bytes, new FilePayload("reversed", bytes, []));
            });
            socket.On("ask-binary", async e =>
                replies.Add(await e.Socket.EmitWithAckAsync("binary-question", [new byte[] { 10, 20, 30 }, new byte[] { 40 }], TimeSpan.FromSeconds(10))));
        }), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        // Client ack request with a Buffer, answered by a BINARY_ACK from the server.
        var ack = await client.EmitWithAckAsync("c0", "reverse", [NodeJson.Buffer([1, 2, 3, 4])], allArgs: true);
        Assert.Equal([4, 3, 2, 1], ack.Arg(0).GetBinary());
        Assert.Equal("Buffer", ack.Arg(0).GetBinaryType());
        Assert.Equal([4, 3, 2, 1], ack.Arg(1).GetProperty("content").GetBinary());

        // Server ack request with a byte[], answered by the client's callback with the Buffer (a BINARY_ACK to the server).
        await client.EmitAsync("c0", "ask-binary");
        var reply = await replies.WaitForAsync("the client's binary acknowledgement");
        var echo = reply.Get<BinaryReply>(0)!;
        Assert.Equal("binary-question", echo.Event);
        Assert.Equal("c0", echo.Client);
        Assert.Equal(2, echo.Args.Length);
        Assert.Equal([10, 20, 30], echo.Args[0]);
        Assert.Equal([40], echo.Args[1]);
    }

    private sealed record FilePayload(string Name, byte[] Content, byte[][] Parts);

    /// <summary>client.mjs answers an event with a callback by {client, event, args}: here args are all Buffers.</summary>
    private sealed record BinaryReply(string Client, string Event, byte[][] Args);
}
