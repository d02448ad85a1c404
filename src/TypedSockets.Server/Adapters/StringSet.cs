using System.Collections;

namespace TypedSockets.Server.Adapters;

/// <summary>
/// A set of ordinal strings that holds one member inline and becomes a <see cref="HashSet{T}"/> from the second on.
/// The adapter keeps two per socket (its rooms, and the members of its own room), almost always with one member each:
/// this makes them 32 bytes instead of about 170. Not thread safe (the adapter guards it).
/// </summary>
internal sealed class StringSet : IEnumerable<string>
{
    private string? _single;
    private HashSet<string>? _many;

    public int Count => _many?.Count ?? (_single is null ? 0 : 1);

    public bool Add(string item)
    {
        if (_many is not null)
        {
            return _many.Add(item);
        }

        if (_single is null)
        {
            _single = item;
            return true;
        }

        if (string.Equals(_single, item, StringComparison.Ordinal))
        {
            return false;
        }

        _many = new HashSet<string>(StringComparer.Ordinal) { _single, item };
        _single = null;
        return true;
    }

    public bool Remove(string item)
    {
        if (_many is not null)
        {
            return _many.Remove(item);
        }

        if (_single is not null && string.Equals(_single, item, StringComparison.Ordinal))
        {
            _single = null;
            return true;
        }

        return false;
    }

    public bool Contains(string item) =>
        _many?.Contains(item) ?? (_single is not null && string.Equals(_single, item, StringComparison.Ordinal));

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<string> IEnumerable<string>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator : IEnumerator<string>
    {
        private readonly string? _single;
        private HashSet<string>.Enumerator _many;
        private readonly bool _isMany;
        private int _state;

        internal Enumerator(StringSet set)
        {
            _single = set._single;
            _isMany = set._many is not null;
            _many = _isMany ? set._many!.GetEnumerator() : default;
            _state = 0;
            Current = null!;
        }

        public string Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_isMany)
            {
                if (_many.MoveNext())
                {
                    Current = _many.Current;
                    return true;
                }

                return false;
            }

            if (_state == 0 && _single is not null)
            {
                _state = 1;
                Current = _single;
                return true;
            }

            _state = 1;
            return false;
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose()
        {
            if (_isMany)
            {
                _many.Dispose();
            }
        }
    }
}
