using System.Collections.Concurrent;
using Chat.Contracts;
using Microsoft.Extensions.Options;

namespace Chat.Server.Chat;

/// <summary>Keeps the last <see cref="ChatOptions.HistorySize"/> messages of each room in memory.</summary>
public sealed class InMemoryChatHistory(IOptions<ChatOptions> options, TimeProvider time) : IChatHistory
{
    private readonly int _capacity = options.Value.HistorySize;
    private readonly ConcurrentDictionary<string, RoomLog> _rooms = new(StringComparer.Ordinal);
    private long _lastId;

    public RoomMessage Append(string room, string user, string text)
    {
        var log = _rooms.GetOrAdd(room, static _ => new RoomLog());
        lock (log)
        {
            // Id and timestamp are taken under the room's lock, so a room's history is ordered by both.
            var message = new RoomMessage(Interlocked.Increment(ref _lastId), room, user, text, time.Now());
            if (_capacity > 0)
            {
                if (log.Messages.Count == _capacity)
                {
                    log.Messages.Dequeue();
                }

                log.Messages.Enqueue(message);
            }

            return message;
        }
    }

    public IReadOnlyList<RoomMessage> GetRecent(string room)
    {
        if (!_rooms.TryGetValue(room, out var log))
        {
            return [];
        }

        lock (log)
        {
            return [.. log.Messages];
        }
    }

    public void Clear(string room) => _rooms.TryRemove(room, out _);

    private sealed class RoomLog
    {
        public Queue<RoomMessage> Messages { get; } = new();
    }
}
