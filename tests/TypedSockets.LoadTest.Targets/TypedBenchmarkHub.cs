using TypedSockets.Server;

namespace TypedSockets.LoadTest.Targets;

/// <summary>What the load tool's clients send: "echo" (answered with the payload) and "broadcast".</summary>
[SocketEvents]
public interface IBenchmarkServer
{
    ValueTask<string> Echo(string payload);

    void Broadcast(string payload);
}

/// <summary>What the server sends: "tick" to every client per broadcast.</summary>
[SocketEvents]
public interface IBenchmarkClient
{
    void Tick(string payload);
}

/// <summary>The benchmark operations written as a TypedSockets application is: a typed hub over generated code.</summary>
public sealed class TypedBenchmarkHub : SocketHub<IBenchmarkServer, IBenchmarkClient>, IBenchmarkServer
{
    public ValueTask<string> Echo(string payload) => new(payload);

    public void Broadcast(string payload) => Clients.Tick(payload);
}
