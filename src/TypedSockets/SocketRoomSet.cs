namespace TypedSockets;

/// <summary>
/// A small immutable set of room names (a socket id is a room of its own). One room is held without allocating;
/// adding to it copies.
/// </summary>
public readonly struct SocketRoomSet
{
    private readonly string? _one;
    private readonly string[]? _many;

    private SocketRoomSet(string? one, string[]? many)
    {
        _one = one;
        _many = many;
    }

    /// <summary>How many rooms the set holds (0 for the default value).</summary>
    public int Count => _many?.Length ?? (_one is null ? 0 : 1);

    /// <summary>The room at <paramref name="index"/> (0 to <see cref="Count"/> - 1), in the order the rooms were added.</summary>
    public string this[int index] => _many is { } many
        ? many[index]
        : index == 0 && _one is not null ? _one : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>This set with <paramref name="room"/> added (unchanged when already present).</summary>
    public SocketRoomSet Add(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (Contains(room))
        {
            return this;
        }

        var count = Count;
        if (count == 0)
        {
            return new SocketRoomSet(room, null);
        }

        var many = new string[count + 1];
        for (var i = 0; i < count; i++)
        {
            many[i] = this[i];
        }

        many[count] = room;
        return new SocketRoomSet(null, many);
    }

    /// <summary>This set with every room of <paramref name="rooms"/> added.</summary>
    public SocketRoomSet AddRange(ReadOnlySpan<string> rooms)
    {
        var result = this;
        foreach (var room in rooms)
        {
            result = result.Add(room);
        }

        return result;
    }

    /// <summary>True when the set holds <paramref name="room"/> (ordinal, case-sensitive comparison).</summary>
    public bool Contains(string room)
    {
        var count = Count;
        for (var i = 0; i < count; i++)
        {
            if (string.Equals(this[i], room, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A copy as an array (for APIs that take collections).</summary>
    public string[] ToArray()
    {
        var result = new string[Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = this[i];
        }

        return result;
    }
}
