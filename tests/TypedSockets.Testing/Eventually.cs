namespace TypedSockets.Testing;

/// <summary>
/// The one way tests wait for a condition: poll it until it holds, failing with a message that names what was awaited.
/// The bound only limits how long a failing test hangs; a passing test returns as soon as the condition holds, so it
/// does not depend on the machine's speed. Never use a fixed sleep as a wait.
/// </summary>
public static class Eventually
{
    /// <summary>The default bound: generous, because it is only reached when a test fails.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Waits until <paramref name="condition"/> returns true; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/> (default <see cref="DefaultTimeout"/>).</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), what, timeout);
    }

    /// <summary>Waits until <paramref name="condition"/> completes with true; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/> (default <see cref="DefaultTimeout"/>).</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) => TrueAsync(condition, () => what, timeout);

    /// <summary>As <see cref="TrueAsync(Func{bool}, string, TimeSpan?)"/>; <paramref name="what"/> is read only on failure, so it can describe the state then.</summary>
    public static Task TrueAsync(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), what, timeout);
    }

    /// <summary>As <see cref="TrueAsync(Func{Task{bool}}, string, TimeSpan?)"/>; <paramref name="what"/> is read only on failure.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(what);
        var bound = timeout ?? DefaultTimeout;
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition().ConfigureAwait(false))
        {
            if (TimeProvider.System.GetElapsedTime(started) > bound)
            {
                throw new TimeoutException($"Timed out after {bound.TotalSeconds:0.#} s waiting until {what()}.");
            }

            // A poll interval, not a wait for an outcome: the loop ends as soon as the condition holds.
            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until <paramref name="get"/> returns a non-null value and returns it; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task<T> ValueAsync<T>(Func<T?> get, string what, TimeSpan? timeout = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(get);
        T? value = null;
        await TrueAsync(() => (value = get()) is not null, what, timeout).ConfigureAwait(false);
        return value!;
    }
}
