#if !NET
namespace TypedSockets;

/// <summary>netstandard2.1 shims of the .NET 5+ <c>MemoryExtensions</c> overloads this library uses.</summary>
internal static class MemoryExtensionsPolyfills
{
    /// <summary>Removes every leading element found in <paramref name="trimElements"/>.</summary>
    public static ReadOnlySpan<T> TrimStart<T>(this ReadOnlySpan<T> span, ReadOnlySpan<T> trimElements)
        where T : IEquatable<T>
    {
        var start = 0;
        while (start < span.Length && trimElements.IndexOf(span[start]) >= 0)
        {
            start++;
        }

        return span[start..];
    }
}
#endif
