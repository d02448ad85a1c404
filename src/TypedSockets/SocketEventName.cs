using System.Text;

namespace TypedSockets;

/// <summary>
/// An event name with its UTF-8 bytes, created once (generated code keeps one per event in a static field) so that
/// encoders never transcode it per packet.
/// </summary>
public sealed class SocketEventName
{
    /// <summary>Encodes <paramref name="name"/> to UTF-8 once.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public SocketEventName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Utf8 = Encoding.UTF8.GetBytes(name);
    }

    /// <summary>The name as a string.</summary>
    public string Name { get; }

    /// <summary>The name encoded as UTF-8 (not escaped, without quotes).</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>A slot where a parser may cache its own pre-encoded form of the name (for example a JsonEncodedText).</summary>
    public object? EncoderCache { get; set; }

    /// <summary>The name as a string.</summary>
    public override string ToString() => Name;
}
