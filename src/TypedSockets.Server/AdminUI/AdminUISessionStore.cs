using System.Security.Cryptography;

namespace TypedSockets.Server.AdminUI;

/// <summary>
/// Login sessions of this server: a UI that logged in with the password reconnects with the session id it was given.
/// Bounded in count and time; thread safe. Sessions are per server (a UI moving to another node of a cluster logs in again).
/// </summary>
internal sealed class AdminUISessionStore
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _duration;
    private readonly int _max;
    private readonly Lock _sync = new();
    private readonly Dictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public AdminUISessionStore(TimeProvider time, TimeSpan duration, int max)
    {
        _time = time;
        _duration = duration;
        _max = max;
    }

    /// <summary>A new session id (16 hex digits, as the Node instrument's), valid for the session duration.</summary>
    public string Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        lock (_sync)
        {
            while (_order.Count >= _max && _order.TryDequeue(out var oldest))
            {
                _expiries.Remove(oldest);
            }

            _expiries[id] = _time.GetUtcNow() + _duration;
            _order.Enqueue(id);
        }

        return id;
    }

    public bool IsValid(string id)
    {
        lock (_sync)
        {
            if (!_expiries.TryGetValue(id, out var expiry))
            {
                return false;
            }

            if (expiry > _time.GetUtcNow())
            {
                return true;
            }

            _expiries.Remove(id); // its queue entry goes when it reaches the front
            return false;
        }
    }
}
