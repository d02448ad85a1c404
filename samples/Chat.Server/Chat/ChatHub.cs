using Chat.Contracts;
using Microsoft.Extensions.Options;
using TypedSockets.Server;

namespace Chat.Server.Chat;

/// <summary>
/// One connected client of the chat, serving <see cref="IChatService"/> and pushing <see cref="IChatFeed"/> events.
/// Mapped with serial dispatch: requests run one at a time, in order, and the disconnect after the request in flight.
/// Requests are answered through the acknowledgement: the result, or <c>{"ok":false,"error":...}</c>. A bad payload is refused, never fatal: one that does not bind is answered by
/// <see cref="OnArgumentsInvalid"/>, a missing or null one by the method itself.
/// The requester learns the outcome from the reply; the other users in the room learn it from events.
/// </summary>
public sealed class ChatHub : SocketHub<IChatService, IChatFeed>, IChatService
{
    /// <summary>Every signed-in socket is in this room, to receive the room list. '@' cannot start a chat room name.</summary>
    public const string SignedInRoom = "@signed-in";

    private const string Joined = "joined";
    private const string Left = "left";

    private readonly ChatDirectory _directory;
    private readonly IChatHistory _history;
    private readonly ChatOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private string? _username;
    private string? _room;

    public ChatHub(ChatDirectory directory, IChatHistory history, IOptions<ChatOptions> options, TimeProvider time, ILogger<ChatHub> logger)
    {
        _directory = directory;
        _history = history;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    // ---- Requests ------------------------------------------------------------------------------------------------------

    public Task<ChatReply> Login(LoginRequest request) => RunAsync("login", request, async () =>
    {
        if (_username is { } current)
        {
            throw new ChatRequestException($"You are already signed in as {current}.");
        }

        var username = ChatValidation.Username(request.Username, _options.MaxUsernameLength);
        if (!_directory.TryRegister(username))
        {
            throw new ChatRequestException($"The username \"{username}\" is taken: choose another one.");
        }

        _username = username;
        Socket.Data["username"] = username;
        await Socket.JoinAsync(SignedInRoom);
        var snapshot = await SwitchToAsync(username, _options.DefaultRoom);
        ChatLog.SignedIn(_logger, username, Socket.Id);
        var rooms = BroadcastRoomList();
        return new ChatReply(Ok: true, Username: username, Room: snapshot, Rooms: rooms);
    });

    public Task<ChatReply> Join(JoinRequest request) => RunAsync("join", request, async () =>
    {
        var username = RequireUsername();
        var room = ChatValidation.Room(request.Room);
        var snapshot = await SwitchToAsync(username, room);
        return new ChatReply(Ok: true, Room: snapshot, Rooms: BroadcastRoomList());
    });

    public Task<ChatReply> Leave() => RunAsync("leave", async () =>
    {
        var username = RequireUsername();
        if (_room == _options.DefaultRoom)
        {
            throw new ChatRequestException($"You are in \"{_options.DefaultRoom}\" already: there is no room to leave.");
        }

        var snapshot = await SwitchToAsync(username, _options.DefaultRoom);
        return new ChatReply(Ok: true, Room: snapshot, Rooms: BroadcastRoomList());
    });

    public Task<ChatReply> Post(PostRequest request) => RunAsync("message", request, () =>
    {
        var username = RequireUsername();
        var room = _room!;
        var text = ChatValidation.MessageText(request.Text, _options.MaxMessageLength);
        var message = _history.Append(room, username, text);
        Others.To(room).Message(message);
        ChatLog.Posted(_logger, username, message.Id, room);
        return Task.FromResult(new ChatReply(Ok: true, Message: message));
    });

    public Task<ChatReply> ListRooms() => RunAsync("rooms", () => Task.FromResult(new ChatReply(Ok: true, Rooms: _directory.ListRooms())));

    /// <summary>Relays typing to the rest of the room as a volatile event.</summary>
    public Task<ChatReply> Typing(TypingRequest request)
    {
        if (request is null)
        {
            return Task.FromResult(Refuse("typing", InvalidPayload("typing")));
        }

        if (_username is not { } username || _room is not { } room)
        {
            return Task.FromResult(Refuse("typing", "Sign in first."));
        }

        Others.To(room).Volatile.Typing(new TypingNotice(room, username, request.IsTyping));
        return Task.FromResult(new ChatReply(Ok: true));
    }

    /// <summary>A payload that cannot be read as the request type (a number for a name, a string for an object, ...).</summary>
    protected override object? OnArgumentsInvalid(string eventName, Exception error) => Refuse(eventName, InvalidPayload(eventName));

    // ---- Rooms ---------------------------------------------------------------------------------------------------------

    /// <summary>Moves the user to <paramref name="room"/>; when the room cannot be entered, the user stays where they are.</summary>
    private async ValueTask<RoomSnapshot> SwitchToAsync(string username, string room)
    {
        var previous = _room;
        if (previous == room)
        {
            return new RoomSnapshot(room, _directory.UsersIn(room), _history.GetRecent(room));
        }

        // Subscribe before reading the history: a message racing the entry then arrives twice (clients drop the
        // duplicate by id) rather than not at all.
        await Socket.JoinAsync(room);
        RoomSnapshot snapshot;
        try
        {
            snapshot = _directory.Enter(room, username);
        }
        catch
        {
            await Socket.LeaveAsync(room);
            throw;
        }

        _room = room;
        if (previous is not null)
        {
            await ExitAsync(username, previous);
        }

        ChatLog.Moved(_logger, username, previous, room);
        var others = Others.To(room);
        others.Notice(new RoomNotice(room, username, Joined, _time.Now()));
        others.Users(new RoomUsers(room, snapshot.Users));
        return snapshot;
    }

    private async ValueTask ExitAsync(string username, string room)
    {
        var remaining = _directory.Leave(room, username);
        if (Socket.Connected)
        {
            await Socket.LeaveAsync(room);
        }

        var others = Others.To(room);
        others.Notice(new RoomNotice(room, username, Left, _time.Now()));
        others.Users(new RoomUsers(room, remaining));
    }

    /// <summary>Sends the room list to every other signed-in user and returns it for the requester's reply.</summary>
    private IReadOnlyList<RoomSummary> BroadcastRoomList()
    {
        var rooms = _directory.ListRooms();
        Others.To(SignedInRoom).Rooms(new RoomList(rooms));
        return rooms;
    }

    public override async ValueTask OnDisconnectedAsync(string reason)
    {
        // Serial dispatch: no request of this client runs any more.
        if (_username is not { } username)
        {
            return;
        }

        if (_room is { } room)
        {
            await ExitAsync(username, room);
        }

        _directory.Unregister(username);
        BroadcastRoomList();
        ChatLog.SignedOut(_logger, username, reason);
    }

    // ---- Plumbing ------------------------------------------------------------------------------------------------------

    private string RequireUsername() => _username ?? throw new ChatRequestException("Sign in first: choose a username.");

    /// <summary>Runs a request whose payload was left out or null as refused, like one that does not bind.</summary>
    private Task<ChatReply> RunAsync<TRequest>(string eventName, TRequest? request, Func<Task<ChatReply>> action)
        where TRequest : class =>
        request is null ? Task.FromResult(Refuse(eventName, InvalidPayload(eventName))) : RunAsync(eventName, action);

    /// <summary>Runs a request (serial dispatch runs it after the ones before it) and turns its failure into the reply.</summary>
    private async Task<ChatReply> RunAsync(string eventName, Func<Task<ChatReply>> action)
    {
        try
        {
            return await action();
        }
        catch (ChatRequestException refused)
        {
            return Refuse(eventName, refused.Message);
        }
        catch (Exception failure)
        {
            ChatLog.Failed(_logger, eventName, Socket.Id, failure);
            return new ChatReply(Ok: false, Error: "The server could not handle this request.");
        }
    }

    private static string InvalidPayload(string eventName) => eventName switch
    {
        "login" => """Invalid payload for "login": expected {"username":"..."}.""",
        "join" => """Invalid payload for "join": expected {"room":"..."}.""",
        "message" => """Invalid payload for "message": expected {"text":"..."}.""",
        "typing" => """Invalid payload for "typing": expected {"isTyping":true}.""",
        _ => $"Invalid payload for \"{eventName}\".",
    };

    private ChatReply Refuse(string eventName, string error)
    {
        ChatLog.Refused(_logger, eventName, Socket.Id, error);
        return new ChatReply(Ok: false, Error: error);
    }
}
