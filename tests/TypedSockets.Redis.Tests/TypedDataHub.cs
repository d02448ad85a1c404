using TypedSockets.Server;
using TypedSockets.TestContracts;

namespace TypedSockets.Redis.Tests;

/// <summary>The typed data of <see cref="TypedDataHub"/> sockets (socket.data on the wire).</summary>
public sealed class NodeProfile
{
    public string? Node { get; set; }

    public string? Label { get; set; }
}

/// <summary>A typed hub whose sockets carry a <see cref="NodeProfile"/>: <c>{node: "dotnet", label: "typed"}</c>.</summary>
public sealed class TypedDataHub : SocketHub<IShapesServer, IShapesClient, NodeProfile>, IShapesServer
{
    public override ValueTask OnConnectedAsync()
    {
        Data = new NodeProfile { Node = "dotnet", Label = "typed" };
        return ValueTask.CompletedTask;
    }

    public void Note(string text) => Data.Label = text;

    public Task Touch(int n, long big, double ratio, bool flag) => Task.CompletedTask;

    public Task<int> Add(int a, int b) => Task.FromResult(a + b);

    public ValueTask<string> Echo(string text, CancellationToken cancellationToken) => ValueTask.FromResult(text);

    public Task<byte[]> Reverse(byte[] data, ReadOnlyMemory<byte> suffix) => Task.FromResult(data);

    public Task<Sample> Roundtrip(Sample value) => Task.FromResult(value);

    public Task<bool> Slow(int delayMs, CancellationToken cancellationToken) => Task.FromResult(true);

    public async Task<int> Join(string room)
    {
        await Socket.JoinAsync(room);
        return 1;
    }
}
