using System.Collections;

namespace TypedSockets;

/// <summary>One reached socket's answer to an acknowledged broadcast.</summary>
public readonly struct SocketAckResult<T>
{
    /// <summary>A reply from a socket that answered: <paramref name="value"/> is the first argument of its acknowledgement.</summary>
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

    /// <summary>The reply's value, or <c>(timed out)</c>.</summary>
    public override string ToString() => Replied ? $"{Value}" : "(timed out)";
}

/// <summary>Every reached socket's answer to an acknowledged broadcast: replies first in arrival order, then timeouts.</summary>
public sealed class SocketAckResults<T> : IReadOnlyList<SocketAckResult<T>>
{
    private readonly SocketAckResult<T>[] _results;

    /// <summary>Wraps <paramref name="results"/> without copying it; the caller must not change the array afterwards.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="results"/> is null.</exception>
    public SocketAckResults(SocketAckResult<T>[] results)
    {
        ArgumentNullException.ThrowIfNull(results);
        _results = results;
    }

    /// <summary>How many sockets the broadcast reached: replies plus timeouts.</summary>
    public int Count => _results.Length;

    /// <summary>The result at <paramref name="index"/>: replies come first in arrival order, then the timeouts.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is negative or not less than <see cref="Count"/>.</exception>
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

    /// <inheritdoc/>
    public IEnumerator<SocketAckResult<T>> GetEnumerator() => ((IEnumerable<SocketAckResult<T>>)_results).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
