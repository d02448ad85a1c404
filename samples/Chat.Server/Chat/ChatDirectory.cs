using Chat.Contracts;
using Microsoft.Extensions.Options;

namespace Chat.Server.Chat;

/// <summary>
/// Who is signed in and who is in which room. Thread safe; one instance (a DI singleton) serves every connection.
/// Usernames are unique among signed-in users, compared case-insensitively. A room that is not permanent exists while
/// someone is in it: when its last user leaves, it disappears with its history.
/// </summary>
public sealed class ChatDirectory
{
    private readonly Lock _sync = new();
    private readonly HashSet<string> _usernames = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _rooms = new(StringComparer.Ordinal);
    private readonly string[] _permanentRooms;
    private readonly IChatHistory _history;
    private readonly int _maxRooms;

    public ChatDirectory(IOptions<ChatOptions> options, IChatHistory history)
    {
        var value = options.Value;
        _history = history;
        _maxRooms = value.MaxRooms;
        _permanentRooms = [.. new[] { value.DefaultRoom }.Concat(value.PermanentRooms).Select(ChatValidation.Room).Distinct(StringComparer.Ordinal)];
        foreach (var room in _permanentRooms)
        {
            _rooms[room] = new HashSet<string>(StringComparer.Ordinal);
        }
    }

    /// <summary>Claims <paramref name="username"/>; false when a signed-in user already has it.</summary>
    public bool TryRegister(string username)
    {
        lock (_sync)
        {
            return _usernames.Add(username);
        }
    }

    /// <summary>Releases <paramref name="username"/> (the user must have left their room).</summary>
    public void Unregister(string username)
    {
        lock (_sync)
        {
            _usernames.Remove(username);
        }
    }

    /// <summary>The signed-in usernames.</summary>
    public IReadOnlyList<string> Usernames
    {
        get
        {
            lock (_sync)
            {
                return Sorted(_usernames);
            }
        }
    }

    /// <summary>Puts the user in the room (creating it) and returns what they see there, read atomically with the entry.</summary>
    /// <exception cref="ChatRequestException">The room does not exist and there are already too many.</exception>
    public RoomSnapshot Enter(string room, string username)
    {
        lock (_sync)
        {
            if (!_rooms.TryGetValue(room, out var members))
            {
                if (_rooms.Count >= _maxRooms)
                {
                    throw new ChatRequestException($"There are already {_maxRooms} rooms: join one of them.");
                }

                _rooms[room] = members = new HashSet<string>(StringComparer.Ordinal);
            }

            members.Add(username);
            return new RoomSnapshot(room, Sorted(members), _history.GetRecent(room));
        }
    }

    /// <summary>Takes the user out of the room and returns who is left.</summary>
    public IReadOnlyList<string> Leave(string room, string username)
    {
        lock (_sync)
        {
            if (!_rooms.TryGetValue(room, out var members))
            {
                return [];
            }

            members.Remove(username);
            if (members.Count == 0 && Array.IndexOf(_permanentRooms, room) < 0)
            {
                _rooms.Remove(room);
                _history.Clear(room);
            }

            return Sorted(members);
        }
    }

    /// <summary>Who is in the room, sorted.</summary>
    public IReadOnlyList<string> UsersIn(string room)
    {
        lock (_sync)
        {
            return _rooms.TryGetValue(room, out var members) ? Sorted(members) : [];
        }
    }

    /// <summary>Every room with its user count: permanent rooms first in configured order, then the others by name.</summary>
    public IReadOnlyList<RoomSummary> ListRooms()
    {
        lock (_sync)
        {
            var list = new List<RoomSummary>(_rooms.Count);
            foreach (var room in _permanentRooms)
            {
                list.Add(new RoomSummary(room, _rooms[room].Count, Permanent: true));
            }

            foreach (var (room, members) in _rooms.OrderBy(static r => r.Key, StringComparer.Ordinal))
            {
                if (Array.IndexOf(_permanentRooms, room) < 0)
                {
                    list.Add(new RoomSummary(room, members.Count, Permanent: false));
                }
            }

            return list;
        }
    }

    private static string[] Sorted(IEnumerable<string> names)
    {
        var result = names.ToArray();
        Array.Sort(result, StringComparer.OrdinalIgnoreCase);
        return result;
    }
}
