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

/// <summary>The contract: what JS sends binds by its camelCase names, under both parsers; what misses a member is refused.</summary>
[SocketEvents]
public interface ICounterServer
{
    [SocketEvent("apply")]
    void Apply(CounterDelta delta);

    [SocketEvent("calls")]
    Task<int> Calls();
}

/// <summary>What the server answers: the record, and one value of each form of the wire-format table.</summary>
[SocketEvents]
public interface ICounterClient
{
    [SocketEvent("applied")]
    void Applied(CounterDelta delta, Reading reading);
}

public sealed record CounterDelta(string Counter, int Delta);

public enum Mood
{
    Calm,
    Angry,
}

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<Colour>))]
public enum Colour
{
    Red,
    DarkBlue,
}

public struct Point
{
    public int X;
    public int Y;
}

public sealed record Reading(Mood Mood, Colour Colour, DateTime At, Point Where, byte[] Blob);

/// <summary>Counts the calls that bound; answers each with the record and a <see cref="Reading"/>.</summary>
internal sealed class CounterServer(SocketIOSocket socket) : ICounterServer
{
    private int _calls;

    public void Apply(CounterDelta delta)
    {
        Interlocked.Increment(ref _calls);
        var reading = new Reading(Mood.Angry, Colour.DarkBlue, new DateTime(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc), new Point { X = 3, Y = -4 }, [1, 2]);
        socket.Emitter<ICounterClient>().Applied(delta, reading);
    }

    public Task<int> Calls() => Task.FromResult(Volatile.Read(ref _calls));
}
