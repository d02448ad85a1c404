using System.Text.Json;
#if NET
using System.Runtime.InteropServices;
#endif

namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// Writes a received <see cref="JsonElement"/> back byte for byte. <see cref="JsonElement.WriteTo"/> decodes every string
/// and re-encodes it, which throws for a lone surrogate escape such as <c>"\ud800"</c> (what JS <c>JSON.stringify</c>
/// writes for such a string); the decoder validated the element's syntax already, and Node re-emits it as received.
/// </summary>
internal static class JsonRawWriter
{
    public static void Write(Utf8JsonWriter writer, JsonElement element)
    {
#if NET
        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(element), skipInputValidation: true);
#else
        writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
#endif
    }
}
