using MessagePack;
using TypedSockets.Server;

namespace TypedSockets.MessagePack.Tests;

/// <summary>What the server sends, through the generated emitter (the msgpack typed writer).</summary>
[SocketEvents]
public interface IScoreClient
{
    [SocketEvent("score")]
    void Score(string player, int points, Position position, byte[] replay);

    [SocketEvent("confirm")]
    Task<bool> Confirm(string question, CancellationToken cancellationToken);
}

/// <summary>What the client sends, through the generated dispatcher (msgpack arguments bound with Get&lt;T&gt;).</summary>
[SocketEvents]
public interface IScoreServer
{
    [SocketEvent("submit")]
    Task<int> Submit(string player, Position position);
}

[MessagePackObject]
public sealed record Position([property: Key("x")] double X, [property: Key("y")] double Y);

/// <summary>Answers a submission with typed emits to the socket, a typed broadcast to its room and a typed ack round trip.</summary>
internal sealed class ScoreServer(SocketIOSocket socket) : IScoreServer
{
    public async Task<int> Submit(string player, Position position)
    {
        var points = (int)(position.X * 10);
        socket.Emitter<IScoreClient>().Score(player, points, position, [1, 2, 3]);
        socket.Namespace.Clients<IScoreClient>().To(socket.Id).Score(player + " (room)", points, position with { Y = 0 }, []);
        var confirmed = await socket.Emitter<IScoreClient>().Confirm("keep " + points + "?", CancellationToken.None);
        return confirmed ? points : -1;
    }
}
