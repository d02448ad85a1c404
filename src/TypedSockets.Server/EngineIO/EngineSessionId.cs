using System.Buffers.Text;
using System.Security.Cryptography;

namespace TypedSockets.Server.EngineIO;

/// <summary>Session ids: 20 URL-safe characters from 120 bits of a cryptographic random generator.</summary>
internal static class EngineSessionId
{
    public const int Length = 20;

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
