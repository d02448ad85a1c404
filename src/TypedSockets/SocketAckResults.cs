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

    private SocketAckResult(SocketInvocationException? error)
    {
        Value = default!;
        Replied = false;
        Error = error;
    }

    /// <summary>A socket that did not answer in time (or disconnected first).</summary>
    public static SocketAckResult<T> TimedOut => new(error: null);

    /// <summary>A socket that answered with an error (<c>[{"error":{...}}]</c>): its handler refused or failed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is null.</exception>
    public static SocketAckResult<T> Failed(SocketInvocationException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(error);
    }

    /// <summary>True when the socket answered with a value; false when it answered with an error or timed out.</summary>
    public bool Replied { get; }

    /// <summary>The error the socket answered with, or null (a value reply or a timeout).</summary>
    public SocketInvocationException? Error { get; }

    /// <summary>True when the socket answered with an error (see <see cref="Error"/>).</summary>
    public bool IsError => Error is not null;

    /// <summary>True when the socket did not answer in time.</summary>
    public bool IsTimedOut => !Replied && Error is null;

    /// <summary>The first argument of the reply (default when timed out or answered with an error).</summary>
    public T Value { get; }

    /// <summary>The reply's value, <c>(error: message)</c>, or <c>(timed out)</c>.</summary>
    public override string ToString() => Replied ? $"{Value}" : Error is { } error ? $"(error: {error.Message})" : "(timed out)";
}

/// <summary>
/// Every reached socket's answer to an acknowledged broadcast: answers (values and errors) first in arrival order, then
/// timeouts.
/// </summary>
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

    /// <summary>How many sockets the broadcast reached: replies, errors and timeouts.</summary>
    public int Count => _results.Length;

    /// <summary>The result at <paramref name="index"/>: answers come first in arrival order, then the timeouts.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is negative or not less than <see cref="Count"/>.</exception>
    public SocketAckResult<T> this[int index] => _results[index];

    /// <summary>True when every reached socket answered in time (with a value or an error).</summary>
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

    /// <summary>How many sockets answered with an error.</summary>
    public int ErrorCount
    {
        get
        {
            var count = 0;
            foreach (var r in _results)
            {
                if (r.IsError)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>The values of the replies that arrived (errors and timeouts left out).</summary>
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
