namespace TypedSockets.Server;

/// <summary>
/// The rate limit partitions one socket holds, one slot per policy, rented on the socket's first event under that
/// policy and returned when the socket closes. Acquire and release take the same lock, so a per-socket limiter is never
/// disposed under an event, and nothing is rented after the socket closed.
/// </summary>
internal sealed class SocketRateLimitState(int policyCount)
{
    private readonly SocketRateLimitPartitionEntry?[] _entries = new SocketRateLimitPartitionEntry?[policyCount];
    private readonly Lock _sync = new();
    private bool _released;

    /// <summary>Whether the "over the limit" line was logged since the socket's last accepted event (one line per burst).</summary>
    public bool Logged;

    /// <summary>Whether a limiter failure was logged for this socket (logged once).</summary>
    public bool FailureLogged;

    /// <summary>
    /// Acquires one permit of <paramref name="policy"/> for <paramref name="socket"/>; false when over the limit. A socket
    /// that is not connected (closing) rents nothing and is not limited: what follows drops its events anyway.
    /// </summary>
    public bool TryAcquire(SocketIOSocket socket, SocketRateLimitPolicyState policy)
    {
        lock (_sync)
        {
            if (_released || !socket.Connected)
            {
                return true;
            }

            var entry = _entries[policy.Index];
            if (entry is null)
            {
                entry = policy.Rent(GetKey(socket, policy));
                if (entry is null)
                {
                    return true; // the server is stopping: its limiters are gone
                }

                _entries[policy.Index] = entry;
            }

            try
            {
                using var lease = entry.Limiter.AttemptAcquire(1);
                return lease.IsAcquired;
            }
            catch (ObjectDisposedException)
            {
                return true; // the server is stopping
            }
        }
    }

    /// <summary>Per socket: the socket id; per user: the namespace and the user id (a socket without one is its own partition).</summary>
    private static string GetKey(SocketIOSocket socket, SocketRateLimitPolicyState policy) =>
        policy.Partition == SocketRateLimitPartition.PerUser && socket.UserId is { } user
            ? string.Concat("u\n", socket.Namespace.Name, "\n", user)
            : string.Concat("s\n", socket.Namespace.Name, "\n", socket.Id);

    /// <summary>Returns every partition held (the socket closed). Idempotent.</summary>
    public void Release()
    {
        lock (_sync)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            for (var i = 0; i < _entries.Length; i++)
            {
                if (_entries[i] is { } entry)
                {
                    _entries[i] = null;
                    entry.Policy.Return(entry);
                }
            }
        }
    }
}
