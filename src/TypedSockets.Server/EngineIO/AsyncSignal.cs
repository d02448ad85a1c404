using System.Threading.Tasks.Sources;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// An auto-reset event for exactly one waiter at a time, without allocation per wait. A <see cref="Set"/> with
/// no waiter is remembered, so a wake-up is never lost; continuations run on the thread pool, never inline in Set.
/// Locks on itself (an internal object nobody else sees) rather than holding a lock object: there are two per session.
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _signaled;
    private bool _waiting;

    public ValueTask WaitAsync()
    {
        lock (this)
        {
            if (_signaled)
            {
                _signaled = false;
                return default;
            }

            _core.Reset();
            _waiting = true;
            return new ValueTask(this, _core.Version);
        }
    }

    public void Set()
    {
        lock (this)
        {
            if (_waiting)
            {
                _waiting = false;
                _core.SetResult(true);
            }
            else
            {
                _signaled = true;
            }
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
