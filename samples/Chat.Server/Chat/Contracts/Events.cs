namespace Chat.Server.Chat.Contracts;

// What the server pushes, and the parts of its replies.

/// <summary>A stored chat message (<c>message</c> event, history, and the sender's acknowledgement).</summary>
public sealed record ChatMessage(long Id, string Room, string User, string Text, DateTimeOffset Timestamp);

/// <summary><c>notice</c>: someone joined or left the room.</summary>
public sealed record RoomNotice(string Room, string User, string Kind, DateTimeOffset Timestamp)
{
    public const string Joined = "joined";
    public const string Left = "left";
}

/// <summary><c>typing</c>: sent to the room, never to the typist; volatile (may be dropped).</summary>
public sealed record TypingNotice(string Room, string User, bool IsTyping);

/// <summary><c>users</c>: who is in the room now, sorted.</summary>
public sealed record RoomUsers(string Room, IReadOnlyList<string> Users);

/// <summary>One entry of the room list.</summary>
public sealed record RoomSummary(string Name, int UserCount, bool Permanent);

/// <summary><c>rooms</c>: every room with its user count, sent to every signed-in user when it changes.</summary>
public sealed record RoomList(IReadOnlyList<RoomSummary> Rooms);

/// <summary>What a user sees on entering a room: its users and its recent messages, oldest first.</summary>
public sealed record RoomSnapshot(string Name, IReadOnlyList<string> Users, IReadOnlyList<ChatMessage> History);
