using System.Security.Cryptography;

namespace TypedSockets.Server;

/// <summary>Random, URL-safe identifiers (120 bits).</summary>
internal static class SocketIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static string Create() => string.Create(20, 0, static (chars, _) =>
    {
        Span<byte> bytes = stackalloc byte[20];
        RandomNumberGenerator.Fill(bytes);
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[bytes[i] & 63];
        }
    });
}
