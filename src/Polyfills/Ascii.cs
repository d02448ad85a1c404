#if !NET
namespace System.Text;

/// <summary>netstandard2.1 shim of the .NET 8 <c>System.Text.Ascii</c> members this library uses.</summary>
internal static class Ascii
{
    /// <summary>True when <paramref name="left"/> (bytes) and <paramref name="right"/> (chars) are the same ASCII text.</summary>
    public static bool Equals(ReadOnlySpan<byte> left, ReadOnlySpan<char> right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (left[i] > 0x7F || left[i] != right[i])
            {
                return false;
            }
        }

        return true;
    }
}
#endif
