using System.Collections;

namespace TypedSockets;

/// <summary>One reached socket's answer to an acknowledged broadcast.</summary>
public readonly struct SocketAckResult<T>
{
    public SocketAckResult(T value)
    {
        Value = value;
        Replied = true;
    }

    private SocketAckResult(bool replied)
    {
        Value = default!;
        Replied = replied;
    }

    /// <summary>A socket that did not answer in time (or disconnected first).</summary>
    public static SocketAckResult<T> TimedOut => new(false);

    /// <summary>True when the socket answered; false when it timed out.</summary>
    public bool Replied { get; }

    /// <summary>True when the socket did not answer in time.</summary>
    public bool IsTimedOut => !Replied;

    /// <summary>The first argument of the reply (default when timed out).</summary>
    public T Value { get; }

    public override string ToString() => Replied ? $"{Value}" : "(timed out)";
}

/// <summary>Every reached socket's answer to an acknowledged broadcast: replies first in arrival order, then timeouts.</summary>
public sealed class SocketAckResults<T> : IReadOnlyList<SocketAckResult<T>>
{
    private readonly SocketAckResult<T>[] _results;

    public SocketAckResults(SocketAckResult<T>[] results)
    {
        ArgumentNullException.ThrowIfNull(results);
        _results = results;
    }

    public int Count => _results.Length;

    public SocketAckResult<T> this[int index] => _results[index];

    /// <summary>True when every reached socket replied in time.</summary>
    public bool IsComplete => TimedOutCount == 0;

    /// <summary>How many sockets did not answer in time.</summary>
    public int TimedOutCount
    {
        get
        {
            var count = 0;
            foreach (var r in _results)
            {
                if (r.IsTimedOut)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>The values of the replies that arrived.</summary>
    public IReadOnlyList<T> Values
    {
        get
        {
            var values = new List<T>(_results.Length);
            foreach (var r in _results)
            {
                if (r.Replied)
                {
                    values.Add(r.Value);
                }
            }

            return values;
        }
    }

    public IEnumerator<SocketAckResult<T>> GetEnumerator() => ((IEnumerable<SocketAckResult<T>>)_results).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
