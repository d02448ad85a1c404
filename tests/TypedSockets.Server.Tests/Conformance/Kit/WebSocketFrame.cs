using System.Text;

namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>One complete WebSocket message: a text frame (an Engine.IO packet) or a binary frame (raw bytes).</summary>
public sealed class WebSocketFrame
{
    private WebSocketFrame(string? text, byte[] data)
    {
        Text = text;
        Data = data;
    }

    /// <summary>The text of a text frame; null for a binary frame.</summary>
    public string? Text { get; }

    /// <summary>The payload bytes (UTF-8 for a text frame).</summary>
    public byte[] Data { get; }

    public bool IsBinary => Text is null;

    public static WebSocketFrame FromText(string text) => new(text, Encoding.UTF8.GetBytes(text));

    public static WebSocketFrame FromBinary(byte[] data) => new(null, data);

    /// <summary>How the frame shows in a transcript: the text as is, binary as <c>&lt;binary 01 02 03&gt;</c>.</summary>
    public override string ToString() =>
        Text ?? "<binary " + Convert.ToHexString(Data.AsSpan(0, Math.Min(Data.Length, 64))) + (Data.Length > 64 ? "..." : "") + ">";
}
