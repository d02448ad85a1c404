using Chat.Contracts;

namespace Chat.Server.Chat;

/// <summary>Stores the recent messages of each room. Implementations are thread safe (one instance serves every connection).</summary>
public interface IChatHistory
{
    /// <summary>Stores a message, giving it an id and a timestamp, and drops the oldest beyond the room's limit.</summary>
    RoomMessage Append(string room, string user, string text);

    /// <summary>The room's recent messages, oldest first (empty for an unknown room).</summary>
    IReadOnlyList<RoomMessage> GetRecent(string room);

    /// <summary>Forgets a room's messages.</summary>
    void Clear(string room);
}
