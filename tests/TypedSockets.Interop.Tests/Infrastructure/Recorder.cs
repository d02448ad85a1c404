using System.Diagnostics;
using Xunit.Sdk;

namespace TypedSockets.Interop.Tests.Infrastructure;

/// <summary>What the server's handlers saw, recorded from any thread and awaited by the test with a timeout.</summary>
internal sealed class Recorder<T>
{
    private readonly Lock _sync = new();
    private readonly List<T> _items = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_sync)
            {
                return [.. _items];
            }
        }
    }

    public void Add(T item)
    {
        TaskCompletionSource changed;
        lock (_sync)
        {
            _items.Add(item);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Waits for the first recorded item matching <paramref name="predicate"/> (all items when null).</summary>
    public async Task<T> WaitForAsync(string description, Func<T, bool>? predicate = null, TimeSpan? timeout = null) =>
        (await WaitForCountAsync(1, description, predicate, timeout))[0];

    /// <summary>Waits until <paramref name="count"/> recorded items match.</summary>
    public async Task<IReadOnlyList<T>> WaitForCountAsync(int count, string description, Func<T, bool>? predicate = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? NodeClient.DefaultWait;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            List<T> matches;
            lock (_sync)
            {
                matches = predicate is null ? [.. _items] : _items.Where(predicate).ToList();
                changed = _changed.Task;
            }

            if (matches.Count >= count)
            {
                return matches;
            }

            var remaining = limit - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new XunitException(
                    $"Timed out after {limit.TotalSeconds:0.#} s waiting on the server for {description} ({matches.Count}/{count}). Recorded: [{string.Join(", ", Items)}]");
            }

            await Task.WhenAny(changed, Task.Delay(remaining));
        }
    }
}
