using Chat.Contracts;
using TypedSockets.Client;
using TypedSockets.Protocol.SocketIO.Json;

namespace Chat.Client;

/// <summary>
/// The console chat: signs in, enters the room, posts each input line and prints what the room says. Input lines
/// starting with "/" are commands: <c>/join &lt;room&gt;</c>, <c>/leave</c>, <c>/rooms</c>, <c>/quit</c>.
/// Ends on <c>/quit</c>, end of input, or <paramref name="cancellationToken"/> (Ctrl+C).
/// </summary>
public static class ChatConsole
{
    private static readonly TimeSpan s_replyTimeout = TimeSpan.FromSeconds(10);

    /// <returns>0 after a normal exit; 1 when the server cannot be reached or refuses the login.</returns>
    public static async Task<int> RunAsync(ChatClientOptions options, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var writer = TextWriter.Synchronized(output);
        // The contracts' source-generated JSON metadata: no reflection, so the client also runs as a Native AOT binary.
        var clientOptions = new SocketIOClientOptions { AckTimeout = s_replyTimeout, Parser = new JsonSocketIOParser(ChatJsonContext.Default) };
        await using var manager = new SocketIOManager(options.Url, clientOptions);
        var socket = manager.Socket();
        socket.Handle<IChatFeed>(new ConsoleFeed(writer));
        var quitting = 0;
        socket.Disconnected += reason =>
        {
            // Events are dispatched in the background: after a quit, the disconnect is ours and "bye" says it.
            if (Volatile.Read(ref quitting) == 0)
            {
                writer.WriteLine($"! disconnected ({reason})");
            }
        };
        IChatService chat = socket.Emitter<IChatService>();

        try
        {
            await socket.ConnectAsync(cancellationToken).WaitAsync(s_replyTimeout, cancellationToken);
            var login = await chat.Login(new LoginRequest(options.Name)).WaitAsync(cancellationToken);
            if (!login.Ok)
            {
                writer.WriteLine($"! login refused: {login.Error}");
                return 1;
            }

            writer.WriteLine($"signed in as {login.Username}");
            PrintRoom(writer, login.Room);
            if (options.Room is { } room && !string.Equals(room, login.Room?.Name, StringComparison.Ordinal))
            {
                PrintReply(writer, await chat.Join(new JoinRequest(room)).WaitAsync(cancellationToken));
            }

            while (await ReadLineAsync(input, cancellationToken) is { } line)
            {
                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                if (line == "/quit")
                {
                    break;
                }

                var reply = line switch
                {
                    "/leave" => await chat.Leave().WaitAsync(cancellationToken),
                    "/rooms" => await chat.ListRooms().WaitAsync(cancellationToken),
                    "/join" => null,
                    _ when line.StartsWith("/join ", StringComparison.Ordinal) => await chat.Join(new JoinRequest(line[6..].Trim())).WaitAsync(cancellationToken),
                    _ when line.StartsWith('/') => null,
                    _ => await chat.Post(new PostRequest(line)).WaitAsync(cancellationToken),
                };
                if (reply is null)
                {
                    writer.WriteLine("! commands: /join <room>, /leave, /rooms, /quit");
                    continue;
                }

                PrintReply(writer, reply);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: fall through to the disconnect.
        }
        catch (SocketIOConnectException e)
        {
            writer.WriteLine($"! cannot connect to {options.Url}: {e.Message}");
            return 1;
        }
        catch (TimeoutException)
        {
            writer.WriteLine($"! no answer from {options.Url}");
            return 1;
        }

        Volatile.Write(ref quitting, 1);
        await socket.DisconnectAsync();
        writer.WriteLine("bye");
        return 0;
    }

    /// <summary>The next input line, or null at end of input or when cancelled.</summary>
    private static async Task<string?> ReadLineAsync(TextReader input, CancellationToken cancellationToken)
    {
        // Console input does not observe cancellation while blocked: race the read against the token.
        var read = input.ReadLineAsync(cancellationToken).AsTask();
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        return await Task.WhenAny(read, cancelled).ConfigureAwait(false) == read ? await read.ConfigureAwait(false) : null;
    }

    private static void PrintReply(TextWriter writer, ChatReply reply)
    {
        if (!reply.Ok)
        {
            writer.WriteLine($"! {reply.Error}");
            return;
        }

        if (reply.Message is { } message)
        {
            PrintMessage(writer, message);
        }
        else if (reply.Room is { } room)
        {
            PrintRoom(writer, room);
        }
        else if (reply.Rooms is { } rooms)
        {
            writer.WriteLine("rooms: " + string.Join(", ", rooms.Select(r => $"{r.Name} ({r.UserCount})")));
        }
    }

    private static void PrintRoom(TextWriter writer, RoomSnapshot? room)
    {
        if (room is null)
        {
            return;
        }

        writer.WriteLine($"in #{room.Name} with {string.Join(", ", room.Users)}");
        foreach (var message in room.History)
        {
            PrintMessage(writer, message);
        }
    }

    private static void PrintMessage(TextWriter writer, RoomMessage message) =>
        writer.WriteLine($"[{message.Room}] {message.User}: {message.Text}");

    /// <summary>The generated dispatcher calls these for the server's events.</summary>
    private sealed class ConsoleFeed(TextWriter writer) : IChatFeed
    {
        public void Message(RoomMessage message) => PrintMessage(writer, message);

        public void Notice(RoomNotice notice) => writer.WriteLine($"* {notice.User} {notice.Kind} #{notice.Room}");

        public void Users(RoomUsers users) => writer.WriteLine($"* #{users.Room}: {string.Join(", ", users.Users)}");

        public void Rooms(RoomList rooms)
        {
            // The room list changes whenever anyone anywhere joins or leaves: not worth a line each time.
        }

        public void Typing(TypingNotice notice)
        {
            // A console has no typing indicator.
        }
    }
}
