#if !NET
namespace System.Threading;

/// <summary>
/// netstandard2.1 shim of the .NET 9 <c>System.Threading.Lock</c>, on <see cref="Monitor"/>. The C# compiler turns
/// <c>lock (x)</c> on this type into <see cref="EnterScope"/> / <see cref="Scope.Dispose"/>, as it does for the real one.
/// </summary>
internal sealed class Lock
{
    // Monitor on a private object: converting a Lock to object is what the compiler warns about (CS9216).
    private readonly object _monitor = new();

    public bool IsHeldByCurrentThread => Monitor.IsEntered(_monitor);

    public void Enter() => Monitor.Enter(_monitor);

    public bool TryEnter() => Monitor.TryEnter(_monitor);

    public void Exit() => Monitor.Exit(_monitor);

    public Scope EnterScope()
    {
        Monitor.Enter(_monitor);
        return new Scope(this);
    }

    /// <summary>Holds the lock until disposed.</summary>
    public ref struct Scope
    {
        private Lock? _owner;

        internal Scope(Lock owner) => _owner = owner;

        public void Dispose()
        {
            var owner = _owner;
            if (owner is not null)
            {
                _owner = null;
                owner.Exit();
            }
        }
    }
}
#endif
