using System.Text.Json.Serialization;
using TypedSockets;

namespace Chat.Contracts;

// The wire protocol of samples/Chat.Server (see its README) as typed contracts: what Chat.Client and any other .NET
// client of the chat sample compile against, and what its server (Chat.Server's ChatHub) implements;
// IChatServer / IChatClient above are the smaller contract the typed hub tests and benchmarks use.

/// <summary>Requests to the chat sample's server; each but <see cref="Typing"/> is answered with a <see cref="ChatReply"/>.</summary>
[SocketEvents]
public interface IChatService
{
    /// <summary>Chooses a username; the reply holds the default room and the room list.</summary>
    Task<ChatReply> Login(LoginRequest request);

    /// <summary>Switches to a room (created when it does not exist).</summary>
    Task<ChatReply> Join(JoinRequest request);

    /// <summary>Goes back to the default room.</summary>
    Task<ChatReply> Leave();

    /// <summary>Posts to the current room; the reply holds the stored message.</summary>
    [SocketEvent("message")]
    Task<ChatReply> Post(PostRequest request);

    /// <summary>Lists the rooms.</summary>
    [SocketEvent("rooms")]
    Task<ChatReply> ListRooms();

    /// <summary>
    /// Started or stopped typing. The page sends it without an acknowledgement; asked for one, the server answers
    /// <c>{"ok":true}</c>, or refuses (not signed in, bad payload).
    /// </summary>
    Task<ChatReply> Typing(TypingRequest request);
}

/// <summary>What the chat sample's server pushes to a signed-in client.</summary>
[SocketEvents]
public interface IChatFeed
{
    /// <summary>A message was posted in the client's room.</summary>
    void Message(RoomMessage message);

    /// <summary>Someone joined or left the client's room.</summary>
    void Notice(RoomNotice notice);

    /// <summary>Who is in the client's room now.</summary>
    void Users(RoomUsers users);

    /// <summary>The room list changed.</summary>
    void Rooms(RoomList rooms);

    /// <summary>Someone in the room started or stopped typing.</summary>
    void Typing(TypingNotice notice);
}

public sealed record LoginRequest(string Username);

public sealed record JoinRequest(string Room);

public sealed record PostRequest(string Text);

public sealed record TypingRequest(bool IsTyping);

/// <summary>A stored message of a room.</summary>
public sealed record RoomMessage(long Id, string Room, string User, string Text, DateTimeOffset Timestamp);

/// <summary>Kind is "joined" or "left".</summary>
public sealed record RoomNotice(string Room, string User, string Kind, DateTimeOffset Timestamp);

public sealed record TypingNotice(string Room, string User, bool IsTyping);

public sealed record RoomUsers(string Room, IReadOnlyList<string> Users);

public sealed record RoomSummary(string Name, int UserCount, bool Permanent);

public sealed record RoomList(IReadOnlyList<RoomSummary> Rooms);

/// <summary>A room as a user sees it on entering: its users and recent messages, oldest first.</summary>
public sealed record RoomSnapshot(string Name, IReadOnlyList<string> Users, IReadOnlyList<RoomMessage> History);

/// <summary>
/// Every reply of the chat server: <c>{"ok":false,"error":"..."}</c> when refused, otherwise <c>ok</c> with the parts the
/// request returns (username, room and rooms for login/join/leave, message for a post, rooms for a listing). Parts a
/// reply does not carry are left out of the JSON, not sent as null.
/// </summary>
public sealed record ChatReply(
    bool Ok,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RoomSnapshot? Room = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RoomSummary>? Rooms = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RoomMessage? Message = null);
