using TypedSockets;

namespace Chat.Contracts;

/// <summary>Requests a chat client sends to the server.</summary>
[SocketEvents]
public interface IChatServer
{
    /// <summary>Posts <paramref name="text"/> in <paramref name="room"/> (no reply).</summary>
    void Send(string room, string text);

    /// <summary>Joins <paramref name="room"/>; the client awaits the reply.</summary>
    Task<JoinResult> Join(string room);
}
