using System.Diagnostics.CodeAnalysis;
using Chat.Server.Chat.Contracts;
using Microsoft.Extensions.Options;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server;

namespace Chat.Server.Chat;

/// <summary>
/// One connected client of the chat. Requests (everything but <c>typing</c>) run one at a time and are answered through
/// the acknowledgement: the result, or <c>{"ok":false,"error":...}</c>. A bad payload is refused, never fatal.
/// The requester learns the outcome from the reply; the other users in the room learn it from events.
/// </summary>
public sealed class ChatSession
{
    /// <summary>Every signed-in socket is in this room, to receive the room list. '@' cannot start a chat room name.</summary>
    public const string SignedInRoom = "@signed-in";

    private readonly SocketIOSocket _socket;
    private readonly ChatDirectory _directory;
    private readonly IChatHistory _history;
    private readonly ChatOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile string? _username;
    private volatile string? _room;
    private bool _closed;

    private ChatSession(SocketIOSocket socket, IServiceProvider services)
    {
        _socket = socket;
        _directory = services.GetRequiredService<ChatDirectory>();
        _history = services.GetRequiredService<IChatHistory>();
        _options = services.GetRequiredService<IOptions<ChatOptions>>().Value;
        _time = services.GetRequiredService<TimeProvider>();
        _logger = services.GetRequiredService<ILogger<ChatSession>>();
    }

    /// <summary>Sets up the chat on a newly connected socket.</summary>
    public static void Attach(SocketIOSocket socket)
    {
        var session = new ChatSession(socket, socket.Services);
        socket.On(ChatEvents.Login, e => session.HandleAsync<LoginRequest>(e, """{"username":"..."}""", session.LoginAsync));
        socket.On(ChatEvents.Join, e => session.HandleAsync<JoinRequest>(e, """{"room":"..."}""", session.JoinAsync));
        socket.On(ChatEvents.Leave, e => session.HandleAsync(e, session.LeaveAsync));
        socket.On(ChatEvents.Message, e => session.HandleAsync<SendMessageRequest>(e, """{"text":"..."}""", session.PostAsync));
        socket.On(ChatEvents.ListRooms, e => session.HandleAsync(e, session.ListRoomsAsync));
        socket.On(ChatEvents.Typing, session.OnTypingAsync);
        socket.OnDisconnect(session.OnDisconnectAsync);
    }

    // ---- Requests ------------------------------------------------------------------------------------------------------

    private async ValueTask<object> LoginAsync(LoginRequest request)
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
        _socket.Data["username"] = username;
        await _socket.JoinAsync(SignedInRoom);
        var snapshot = await SwitchToAsync(username, _options.DefaultRoom);
        ChatLog.SignedIn(_logger, username, _socket.Id);
        var rooms = await BroadcastRoomListAsync();
        return new LoginReply(username, snapshot, rooms);
    }

    private async ValueTask<object> JoinAsync(JoinRequest request)
    {
        var username = RequireUsername();
        var room = ChatValidation.Room(request.Room);
        var snapshot = await SwitchToAsync(username, room);
        var rooms = await BroadcastRoomListAsync();
        return new RoomReply(snapshot, rooms);
    }

    private async ValueTask<object> LeaveAsync()
    {
        var username = RequireUsername();
        if (_room == _options.DefaultRoom)
        {
            throw new ChatRequestException($"You are in \"{_options.DefaultRoom}\" already: there is no room to leave.");
        }

        var snapshot = await SwitchToAsync(username, _options.DefaultRoom);
        var rooms = await BroadcastRoomListAsync();
        return new RoomReply(snapshot, rooms);
    }

    private async ValueTask<object> PostAsync(SendMessageRequest request)
    {
        var username = RequireUsername();
        var room = _room!;
        var text = ChatValidation.MessageText(request.Text, _options.MaxMessageLength);
        var message = _history.Append(room, username, text);
        await _socket.To(room).EmitAsync(ChatEvents.Message, message);
        ChatLog.Posted(_logger, username, message.Id, room);
        return new MessageReply(message);
    }

    private ValueTask<object> ListRoomsAsync() => new(new RoomListReply(_directory.ListRooms()));

    /// <summary>Relays typing to the rest of the room as a volatile event: no ordering with requests, no reply needed.</summary>
    private async ValueTask OnTypingAsync(SocketIOEvent e)
    {
        if (!TryBind(e, """{"isTyping":true}""", out TypingRequest? request, out var error))
        {
            Refuse(e, error);
            return;
        }

        if (_username is not { } username || _room is not { } room)
        {
            Refuse(e, "Sign in first.");
            return;
        }

        await _socket.To(room).Volatile.EmitAsync(ChatEvents.Typing, new TypingNotice(room, username, request.IsTyping));
        e.Ack(new OkReply());
    }

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
        await _socket.JoinAsync(room);
        RoomSnapshot snapshot;
        try
        {
            snapshot = _directory.Enter(room, username);
        }
        catch
        {
            await _socket.LeaveAsync(room);
            throw;
        }

        _room = room;
        if (previous is not null)
        {
            await ExitAsync(username, previous);
        }

        ChatLog.Moved(_logger, username, previous, room);
        await _socket.To(room).EmitAsync(ChatEvents.Notice, new RoomNotice(room, username, RoomNotice.Joined, _time.Now()));
        await _socket.To(room).EmitAsync(ChatEvents.Users, new RoomUsers(room, snapshot.Users));
        return snapshot;
    }

    private async ValueTask ExitAsync(string username, string room)
    {
        var remaining = _directory.Leave(room, username);
        if (_socket.Connected)
        {
            await _socket.LeaveAsync(room);
        }

        var others = _socket.Namespace.To(room).Except(_socket.Id);
        await others.EmitAsync(ChatEvents.Notice, new RoomNotice(room, username, RoomNotice.Left, _time.Now()));
        await others.EmitAsync(ChatEvents.Users, new RoomUsers(room, remaining));
    }

    /// <summary>Sends the room list to every other signed-in user and returns it for the requester's reply.</summary>
    private async ValueTask<IReadOnlyList<RoomSummary>> BroadcastRoomListAsync()
    {
        var rooms = _directory.ListRooms();
        await _socket.To(SignedInRoom).EmitAsync(ChatEvents.Rooms, new RoomList(rooms));
        return rooms;
    }

    private async ValueTask OnDisconnectAsync(string reason)
    {
        await _gate.WaitAsync();
        try
        {
            _closed = true;
            if (_username is not { } username)
            {
                return;
            }

            if (_room is { } room)
            {
                await ExitAsync(username, room);
            }

            _directory.Unregister(username);
            await BroadcastRoomListAsync();
            ChatLog.SignedOut(_logger, username, reason);
        }
        finally
        {
            _gate.Release();
        }
    }

    // ---- Plumbing ------------------------------------------------------------------------------------------------------

    private string RequireUsername() => _username ?? throw new ChatRequestException("Sign in first: choose a username.");

    private ValueTask HandleAsync(SocketIOEvent e, Func<ValueTask<object>> action) => RunAsync(e, action);

    private ValueTask HandleAsync<TRequest>(SocketIOEvent e, string expected, Func<TRequest, ValueTask<object>> action)
        where TRequest : class
    {
        if (!TryBind(e, expected, out TRequest? request, out var error))
        {
            Refuse(e, error);
            return ValueTask.CompletedTask;
        }

        return RunAsync(e, () => action(request));
    }

    /// <summary>Runs a request after the ones before it and answers it.</summary>
    private async ValueTask RunAsync(SocketIOEvent e, Func<ValueTask<object>> action)
    {
        object reply;
        await _gate.WaitAsync();
        try
        {
            reply = _closed ? new ErrorReply("Disconnected.") : await action();
        }
        catch (ChatRequestException refused)
        {
            Refuse(e, refused.Message);
            return;
        }
        catch (Exception failure)
        {
            ChatLog.Failed(_logger, e.Name, _socket.Id, failure);
            reply = new ErrorReply("The server could not handle this request.");
        }
        finally
        {
            _gate.Release();
        }

        e.Ack(reply);
    }

    private bool TryBind<TRequest>(SocketIOEvent e, string expected, [NotNullWhen(true)] out TRequest? request, [NotNullWhen(false)] out string? error)
        where TRequest : class
    {
        request = null;
        error = null;
        if (e.Arguments.Count > 0)
        {
            try
            {
                request = e.Arguments.Get<TRequest>(0);
            }
            catch (SocketIOBindingException)
            {
                // Answered below.
            }
        }

        if (request is null)
        {
            error = $"Invalid payload for \"{e.Name}\": expected {expected}.";
            return false;
        }

        return true;
    }

    private void Refuse(SocketIOEvent e, string error)
    {
        ChatLog.Refused(_logger, e.Name, _socket.Id, error);
        e.Ack(new ErrorReply(error));
    }
}
