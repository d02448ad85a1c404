namespace TypedSockets.Server.Adapters;

/// <summary>The state of a disconnected socket kept for connection state recovery.</summary>
public sealed record SocketSession(string Sid, string Pid, IReadOnlyCollection<string> Rooms, IReadOnlyDictionary<string, object?> Data);

/// <summary>A session found again, with the broadcasts the client missed (event name and arguments, offset last).</summary>
public sealed record RecoveredSession(SocketSession Session, IReadOnlyList<BroadcastPacket> MissedPackets);
