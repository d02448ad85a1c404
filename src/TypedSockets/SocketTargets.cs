namespace TypedSockets;

/// <summary>
/// Typed broadcast targets for the events of <typeparamref name="TClient"/>: choose rooms, exceptions and flags, then
/// call the event methods the source generator adds as extension methods (<c>Clients.To("lobby").Message(msg)</c>).
/// Immutable; a target to one room and one exception allocates nothing.
/// </summary>
public readonly struct SocketTargets<TClient>
    where TClient : class
{
    private readonly SocketBroadcastSink? _sink;
    private readonly SocketTargetSelection _selection;

    /// <summary>
    /// Targets every socket of the namespace <paramref name="sink"/> sends to. The server creates these for its namespaces;
    /// the <c>default</c> value is not bound to any and throws when an event is sent through it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is null.</exception>
    public SocketTargets(SocketBroadcastSink sink)
        : this(sink, default)
    {
        ArgumentNullException.ThrowIfNull(sink);
    }

    private SocketTargets(SocketBroadcastSink? sink, SocketTargetSelection selection)
    {
        _sink = sink;
        _selection = selection;
    }

    /// <summary>Where the events go (used by generated code).</summary>
    public SocketBroadcastSink Sink => _sink ?? throw new InvalidOperationException("These targets are not bound to a namespace.");

    /// <summary>The current selection (used by generated code).</summary>
    public SocketTargetSelection Selection => _selection;

    /// <summary>Adds a room to target.</summary>
    public SocketTargets<TClient> To(string room) =>
        new(_sink, new SocketTargetSelection(_selection.Rooms.Add(room), _selection.Except, _selection.Local, _selection.Volatile, _selection.Timeout));

    /// <summary>Adds rooms to target.</summary>
    public SocketTargets<TClient> To(params ReadOnlySpan<string> rooms) =>
        new(_sink, new SocketTargetSelection(_selection.Rooms.AddRange(rooms), _selection.Except, _selection.Local, _selection.Volatile, _selection.Timeout));

    /// <summary>Excludes the members of a room, or one socket by its id.</summary>
    public SocketTargets<TClient> Except(string roomOrSocketId) =>
        new(_sink, new SocketTargetSelection(_selection.Rooms, _selection.Except.Add(roomOrSocketId), _selection.Local, _selection.Volatile, _selection.Timeout));

    /// <summary>Excludes the members of these rooms.</summary>
    public SocketTargets<TClient> Except(params ReadOnlySpan<string> rooms) =>
        new(_sink, new SocketTargetSelection(_selection.Rooms, _selection.Except.AddRange(rooms), _selection.Local, _selection.Volatile, _selection.Timeout));

    /// <summary>Adds the connections of user <paramref name="userId"/> (its room <see cref="SocketUsers.RoomOf"/>) to the targets.</summary>
    public SocketTargets<TClient> User(string userId) => To(SocketUsers.RoomOf(userId));

    /// <summary>Adds the connections of every user of <paramref name="userIds"/> to the targets.</summary>
    public SocketTargets<TClient> Users(params ReadOnlySpan<string> userIds)
    {
        var rooms = _selection.Rooms;
        foreach (var userId in userIds)
        {
            rooms = rooms.Add(SocketUsers.RoomOf(userId));
        }

        return new(_sink, new SocketTargetSelection(rooms, _selection.Except, _selection.Local, _selection.Volatile, _selection.Timeout));
    }

    /// <summary>Only sockets connected to this server.</summary>
    public SocketTargets<TClient> Local =>
        new(_sink, new SocketTargetSelection(_selection.Rooms, _selection.Except, true, _selection.Volatile, _selection.Timeout));

    /// <summary>Skip sockets that cannot take the event right now.</summary>
    public SocketTargets<TClient> Volatile =>
        new(_sink, new SocketTargetSelection(_selection.Rooms, _selection.Except, _selection.Local, true, _selection.Timeout));

    /// <summary>How long acknowledged events wait for every reply (required before calling one).</summary>
    public SocketTargets<TClient> Timeout(TimeSpan timeout) =>
        new(_sink, new SocketTargetSelection(_selection.Rooms, _selection.Except, _selection.Local, _selection.Volatile, timeout));
}
