namespace Chat.Server.Chat.Contracts;

// Acknowledgement payloads. Every reply carries "ok"; a refused request is {"ok":false,"error":"..."}.

public sealed record ErrorReply(string Error)
{
    public bool Ok => false;
}

public sealed record LoginReply(string Username, RoomSnapshot Room, IReadOnlyList<RoomSummary> Rooms)
{
    public bool Ok => true;
}

/// <summary>Answer to <c>join</c> and <c>leave</c>: the room the user is in now.</summary>
public sealed record RoomReply(RoomSnapshot Room, IReadOnlyList<RoomSummary> Rooms)
{
    public bool Ok => true;
}

public sealed record MessageReply(ChatMessage Message)
{
    public bool Ok => true;
}

public sealed record RoomListReply(IReadOnlyList<RoomSummary> Rooms)
{
    public bool Ok => true;
}

/// <summary>A request that has nothing to return (an acknowledged <c>typing</c>).</summary>
public sealed record OkReply
{
    public bool Ok => true;
}
