using Microsoft.AspNetCore.SignalR;

namespace TypedSockets.LoadTest.Targets;

/// <summary>The SignalR target: Echo returns its argument (a completion), Broadcast sends "tick" to all clients.</summary>
public sealed class BenchmarkHub : Hub
{
    private static int s_connections;

    public static int Connections => Volatile.Read(ref s_connections);

    public string Echo(string payload) => payload;

    public Task Broadcast(string payload) => Clients.All.SendAsync("tick", payload);

    public override Task OnConnectedAsync()
    {
        Interlocked.Increment(ref s_connections);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Interlocked.Decrement(ref s_connections);
        return Task.CompletedTask;
    }
}
