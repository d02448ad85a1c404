using TypedSockets;

namespace Chat.Contracts;

/// <summary>Events the chat server sends to a client.</summary>
[SocketEvents]
public interface IChatClient
{
    /// <summary>A message was posted in the client's room (event "message").</summary>
    void Message(ChatMessage message);

    /// <summary>Someone joined the client's room.</summary>
    [SocketEvent("user:joined")]
    void UserJoined(string name, int online);

    /// <summary>Asks the client to confirm leaving; waits for its acknowledgement.</summary>
    Task<bool> ConfirmLeave(string reason, CancellationToken cancellationToken);
}
