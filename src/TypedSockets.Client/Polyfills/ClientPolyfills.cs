#if !NET
using System.Collections.Concurrent;

namespace TypedSockets.Client;

/// <summary>
/// netstandard2.1 shims of the .NET 5+ members the client uses, as extension members so call sites read the same on
/// both targets. Each behaves as the framework member it stands for (noted where it cannot quite).
/// </summary>
internal static class ClientPolyfills
{
    extension(ValueTask)
    {
        public static ValueTask CompletedTask => default;
    }

    extension(ObjectDisposedException)
    {
        public static void ThrowIf(bool condition, object instance)
        {
            if (condition)
            {
                throw new ObjectDisposedException(instance.GetType().FullName);
            }
        }
    }

    extension(Task)
    {
        /// <summary>A delay on <paramref name="timeProvider"/>'s clock (Microsoft.Bcl.TimeProvider's implementation).</summary>
        public static Task Delay(TimeSpan delay, TimeProvider timeProvider, CancellationToken cancellationToken) =>
            timeProvider.Delay(delay, cancellationToken);
    }

    /// <summary>Removes the entry only while it still maps the key to that value (an atomic compare-and-remove).</summary>
    public static bool TryRemove<TKey, TValue>(this ConcurrentDictionary<TKey, TValue> dictionary, KeyValuePair<TKey, TValue> item)
        where TKey : notnull =>
        ((ICollection<KeyValuePair<TKey, TValue>>)dictionary).Remove(item);

    /// <summary>
    /// The callback gets the token as on .NET 6+. Unlike the framework's it flows the execution context, which the
    /// callbacks here do not depend on.
    /// </summary>
    public static CancellationTokenRegistration UnsafeRegister(this CancellationToken token, Action<object?, CancellationToken> callback, object? state) =>
        token.Register(s => callback(s, token), state);

    /// <summary>Reads the body, giving up when <paramref name="cancellationToken"/> fires (the caller disposes the response, which ends the read).</summary>
    public static Task<string> ReadAsStringAsync(this HttpContent content, CancellationToken cancellationToken) =>
        content.ReadAsStringAsync().WaitAsync(cancellationToken);

    /// <summary>Reads the body, giving up when <paramref name="cancellationToken"/> fires (the caller disposes the response, which ends the read).</summary>
    public static Task<byte[]> ReadAsByteArrayAsync(this HttpContent content, CancellationToken cancellationToken) =>
        content.ReadAsByteArrayAsync().WaitAsync(cancellationToken);
}
#endif
