#if !NET
using System.Buffers.Binary;

namespace TypedSockets;

/// <summary>netstandard2.1 shims of the .NET 5+ big-endian float reads and <c>Convert.ToHexString</c>.</summary>
internal static class BinaryAndHexPolyfills
{
    extension(BinaryPrimitives)
    {
        public static float ReadSingleBigEndian(ReadOnlySpan<byte> source) =>
            BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32BigEndian(source));

        public static double ReadDoubleBigEndian(ReadOnlySpan<byte> source) =>
            BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(source));
    }

    extension(Convert)
    {
        /// <summary>Upper-case hexadecimal, as the framework's <c>Convert.ToHexString</c>.</summary>
        public static string ToHexString(ReadOnlySpan<byte> bytes)
        {
            if (bytes.IsEmpty)
            {
                return string.Empty;
            }

            const string Digits = "0123456789ABCDEF";
            var chars = new char[bytes.Length * 2];
            for (var i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = Digits[bytes[i] >> 4];
                chars[(2 * i) + 1] = Digits[bytes[i] & 0xF];
            }

            return new string(chars);
        }
    }
}
#endif
