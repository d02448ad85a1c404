namespace Chat.Server.Chat;

/// <summary>The event names of the chat protocol (see the sample's README).</summary>
public static class ChatEvents
{
    // Client to server; each but "typing" is answered through the acknowledgement.
    public const string Login = "login";
    public const string Join = "join";
    public const string Leave = "leave";
    public const string Message = "message";
    public const string Typing = "typing";
    public const string ListRooms = "rooms";

    // Server to client.
    public const string Notice = "notice";
    public const string Users = "users";
    public const string Rooms = "rooms";
}
