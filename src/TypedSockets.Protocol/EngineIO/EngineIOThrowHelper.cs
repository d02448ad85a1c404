using System.Diagnostics.CodeAnalysis;

namespace TypedSockets.Protocol.EngineIO;

internal static class EngineIOThrowHelper
{
    public const string EmptyPacketMessage = "Invalid Engine.IO packet: empty packet.";
    public const string InvalidBase64Message = "Invalid Engine.IO packet: malformed base64 binary data.";

    [DoesNotReturn]
    public static void ThrowEmptyPacket() => throw new InvalidDataException(EmptyPacketMessage);

    [DoesNotReturn]
    public static void ThrowInvalidPacketType(byte value) =>
        throw new InvalidDataException($"Invalid Engine.IO packet type 0x{value:X2}.");

    [DoesNotReturn]
    public static void ThrowInvalidUtf8() => throw new InvalidDataException("Invalid Engine.IO packet: text is not valid UTF-8.");

    [DoesNotReturn]
    public static void ThrowInvalidBase64() => throw new InvalidDataException(InvalidBase64Message);

    [DoesNotReturn]
    public static void ThrowInvalidHandshake(string detail) =>
        throw new InvalidDataException($"Invalid Engine.IO handshake: {detail}.");
}
