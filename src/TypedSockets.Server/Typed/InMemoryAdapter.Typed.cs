using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server.Adapters;

public partial class InMemoryAdapter
{
    [ThreadStatic]
    private static List<SocketIOSocket>? t_recipients;

    [ThreadStatic]
    private static HashSet<string>? t_seen;

    /// <summary>
    /// Sends an already encoded typed packet to the local sockets <paramref name="selection"/> targets, reusing
    /// per-thread collections so a steady stream of broadcasts allocates nothing.
    /// </summary>
    /// <returns>How many sockets it went to.</returns>
    internal int SendTypedLocal(in SocketTargetSelection selection, in OutgoingPacket packet)
    {
        var recipients = t_recipients ??= [];
        t_recipients = null; // re-entrant sends (a transport callback broadcasting) get their own list
        try
        {
            CollectRecipients(selection, recipients);
            foreach (var socket in recipients)
            {
                socket.SendTyped(packet, selection.Volatile);
            }

            return recipients.Count;
        }
        finally
        {
            recipients.Clear();
            t_recipients = recipients;
        }
    }

    private void CollectRecipients(in SocketTargetSelection selection, List<SocketIOSocket> result)
    {
        var sockets = Namespace.LocalSockets;
        var rooms = selection.Rooms;
        var except = selection.Except;
        lock (_sync)
        {
            if (rooms.Count == 0)
            {
                foreach (var id in _sids.Keys)
                {
                    if (!IsExcluded(id, except) && sockets.TryGetValue(id, out var socket))
                    {
                        result.Add(socket);
                    }
                }

                return;
            }

            if (rooms.Count == 1)
            {
                if (_rooms.TryGetValue(rooms[0], out var members))
                {
                    foreach (var id in members)
                    {
                        if (!IsExcluded(id, except) && sockets.TryGetValue(id, out var socket))
                        {
                            result.Add(socket);
                        }
                    }
                }

                return;
            }

            var seen = t_seen ??= new HashSet<string>(StringComparer.Ordinal);
            try
            {
                for (var i = 0; i < rooms.Count; i++)
                {
                    if (!_rooms.TryGetValue(rooms[i], out var members))
                    {
                        continue;
                    }

                    foreach (var id in members)
                    {
                        if (!IsExcluded(id, except) && seen.Add(id) && sockets.TryGetValue(id, out var socket))
                        {
                            result.Add(socket);
                        }
                    }
                }
            }
            finally
            {
                seen.Clear();
            }
        }
    }

    // Under _sync.
    private bool IsExcluded(string socketId, in SocketRoomSet except)
    {
        for (var i = 0; i < except.Count; i++)
        {
            if (_rooms.TryGetValue(except[i], out var members) && members.Contains(socketId))
            {
                return true;
            }
        }

        return false;
    }
}
