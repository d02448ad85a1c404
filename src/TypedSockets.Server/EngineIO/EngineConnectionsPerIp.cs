using System.Net;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// Counts the open sessions of each remote IP address for <see cref="EngineIOOptions.MaxConnectionsPerIp"/>. An address
/// is forgotten when its last session closes, so memory follows the open sessions. IPv4-mapped IPv6 addresses count
/// as their IPv4 address.
/// </summary>
internal sealed class EngineConnectionsPerIp(int limit)
{
    private readonly Dictionary<IPAddress, Entry> _entries = [];
    private readonly Lock _sync = new();

    public int Limit { get; } = limit;

    /// <summary>The key of <paramref name="address"/>: null when the request has none (it is then not counted).</summary>
    public static IPAddress? KeyOf(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    /// <summary>Counts one more session of <paramref name="address"/>, unless it has <see cref="Limit"/> already.</summary>
    /// <param name="address">The remote address (<see cref="KeyOf"/>).</param>
    /// <param name="firstRefusal">True on the first refusal since the address was last under the limit (log once).</param>
    public bool TryAcquire(IPAddress address, out bool firstRefusal)
    {
        lock (_sync)
        {
            if (!_entries.TryGetValue(address, out var entry))
            {
                _entries.Add(address, new Entry { Count = 1 });
                firstRefusal = false;
                return true;
            }

            if (entry.Count >= Limit)
            {
                firstRefusal = !entry.Refused;
                entry.Refused = true;
                return false;
            }

            entry.Count++;
            firstRefusal = false;
            return true;
        }
    }

    /// <summary>One session of <paramref name="address"/> closed.</summary>
    public void Release(IPAddress address)
    {
        lock (_sync)
        {
            if (!_entries.TryGetValue(address, out var entry))
            {
                return;
            }

            if (--entry.Count <= 0)
            {
                _entries.Remove(address);
            }
            else
            {
                entry.Refused = false;
            }
        }
    }

    /// <summary>The sessions counted for <paramref name="address"/> (tests).</summary>
    public int CountOf(IPAddress address)
    {
        lock (_sync)
        {
            return _entries.TryGetValue(address, out var entry) ? entry.Count : 0;
        }
    }

    private sealed class Entry
    {
        public int Count;
        public bool Refused;
    }
}
