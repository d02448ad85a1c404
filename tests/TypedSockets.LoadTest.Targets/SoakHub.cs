using System.Collections.Concurrent;
using TypedSockets.Server;

namespace TypedSockets.LoadTest.Targets;

/// <summary>What the soak scenario's clients send; every call is acknowledged.</summary>
[SocketEvents]
public interface ISoakServer
{
    /// <summary>An acknowledged request: answered with <paramref name="n"/>.</summary>
    ValueTask<long> Request(long n);

    /// <summary>Joins <paramref name="room"/>; answers the room's last broadcast sequence number at the moment of joining.</summary>
    ValueTask<long> Join(string room);

    /// <summary>Leaves <paramref name="room"/>; answers the room's last sequence number.</summary>
    ValueTask<long> Leave(string room);

    /// <summary>Broadcasts the room's next sequence number to its members; answers that number.</summary>
    ValueTask<long> Publish(string room);
}

/// <summary>What the server sends: <c>message(room, seq)</c> to a room's members (plus the recovery offset on the wire).</summary>
[SocketEvents]
public interface ISoakClient
{
    /// <summary>The room's broadcast number <paramref name="seq"/>, counted from 1.</summary>
    void Message(string room, long seq);
}

/// <summary>
/// The soak target (connection state recovery on): rooms with a broadcast sequence number each. Joining and publishing
/// in a room hold that room's lock, so the number a join answers is exactly the last broadcast the new member missed and
/// a room's broadcasts leave in sequence order.
/// </summary>
public sealed class SoakHub : SocketHub<ISoakServer, ISoakClient>, ISoakServer
{
    private static readonly ConcurrentDictionary<string, Room> s_rooms = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int> s_connected = new(StringComparer.Ordinal);

    /// <summary>Rooms a client may use: <c>r0</c> .. <c>r9999</c>, so a client cannot make the server hold unbounded state.</summary>
    public const int MaxRooms = 10_000;

    /// <summary>
    /// Whether a socket with this id is connected to a soak hub of this process (its disconnect handled, session kept
    /// for recovery, once this is false). The short soak test waits on it before a dropped client reconnects.
    /// </summary>
    public static bool IsConnected(string sid) => s_connected.TryGetValue(sid, out var count) && count > 0;

    /// <inheritdoc/>
    public override ValueTask OnConnectedAsync()
    {
        s_connected.AddOrUpdate(Socket.Id, 1, static (_, count) => count + 1);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override ValueTask OnDisconnectedAsync(string reason)
    {
        // A recovered session reuses the id: count connections, and forget the id at zero.
        if (s_connected.AddOrUpdate(Socket.Id, 0, static (_, count) => count - 1) <= 0)
        {
            s_connected.TryRemove(new KeyValuePair<string, int>(Socket.Id, 0));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<long> Request(long n) => new(n);

    /// <inheritdoc/>
    public ValueTask<long> Join(string room)
    {
        var state = RoomOf(room);
        lock (state.Sync)
        {
            Complete(Socket.JoinAsync(room));
            return new(state.Seq);
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> Leave(string room)
    {
        var state = RoomOf(room);
        lock (state.Sync)
        {
            Complete(Socket.LeaveAsync(room));
            return new(state.Seq);
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> Publish(string room)
    {
        var state = RoomOf(room);
        lock (state.Sync)
        {
            var seq = ++state.Seq;
            Clients.To(room).Message(room, seq);
            return new(seq);
        }
    }

    private static Room RoomOf(string room)
    {
        if (room.Length is < 2 or > 5 || room[0] != 'r' || !int.TryParse(room.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n >= MaxRooms)
        {
            throw new SocketInvocationException($"Unknown room '{room}' (r0 .. r{MaxRooms - 1}).");
        }

        return s_rooms.GetOrAdd(room, static _ => new Room());
    }

    // The in-memory adapter completes joins and leaves at once; the soak target uses no other.
    private static void Complete(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }

    private sealed class Room
    {
        public readonly Lock Sync = new();
        public long Seq;
    }
}
