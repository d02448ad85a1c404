using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Scenarios;

/// <summary>
/// One logical soak client across its connections: its Socket.IO session (sid, pid, last recovery offset), the rooms it
/// is in with the next sequence number it expects in each, and its one acknowledged call in flight. Every field is
/// read and written under <see cref="Sync"/> (the client's receive loop and the scenario's driver both touch it).
/// </summary>
internal sealed class SoakClient(int index)
{
    public readonly Lock Sync = new();

    public int Index { get; } = index;

    /// <summary>The connection in use; messages from any other (an aborted one draining) are ignored.</summary>
    public LoadClient? Current;

    public SoakClientState State = SoakClientState.Connecting;

    public string? Sid;

    public string? Pid;

    public string? Offset;

    /// <summary>When <see cref="Offset"/> was received (Stopwatch timestamp).</summary>
    public long OffsetAt;

    /// <summary>Whether the connection being opened asked to recover a session (it had a pid and an offset).</summary>
    public bool AskedRecovery;

    /// <summary>Rooms joined (join acknowledged) and the sequence number expected next in each.</summary>
    public readonly Dictionary<string, long> Next = new(StringComparer.Ordinal);

    /// <summary>Rooms joined and the room's last sequence number when the join happened (what the join answered).</summary>
    public readonly Dictionary<string, long> JoinedAfter = new(StringComparer.Ordinal);

    /// <summary>Rooms whose join is in flight, with the sequence numbers received meanwhile.</summary>
    public readonly Dictionary<string, List<long>> Pending = new(StringComparer.Ordinal);

    /// <summary>Diagnostics: the offset the last reconnect asked to recover from, the last message's offset and the one before.</summary>
    public string? RecoveryOffset, MessageOffset, PreviousOffset;

    public SoakCall? Outstanding;

    public long NextAckId;
}

internal enum SoakClientState
{
    Connecting,
    Connected,
    Dropped,
}

internal enum SoakCallKind
{
    Request,
    Join,
    Leave,
    Publish,
}

internal sealed record SoakCall(long Id, SoakCallKind Kind, string? Room, long Number, long SentAt);
