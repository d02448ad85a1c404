using System.Buffers;
using MessagePack;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>
/// Walks msgpack values in a span without materializing them: validates the structure (lengths within the message,
/// known formats, bounded nesting), finds where a value ends, and rewrites JS <c>undefined</c> for typed reads.
/// </summary>
internal static class MessagePackScanner
{
    /// <summary>Deepest nesting accepted, as the JSON parser's reader.</summary>
    public const int MaxDepth = 64;

    public const string TooDeepError = "msgpack nested too deeply";

    /// <summary>
    /// Returns the position just after the value at <paramref name="pos"/>. Sets <paramref name="hasUndefined"/> when the
    /// value is or contains a JS undefined (<c>d4 00 00</c>).
    /// </summary>
    public static int Skip(ReadOnlySpan<byte> s, int pos, ref bool hasUndefined) => Skip(s, pos, 0, ref hasUndefined);

    private static int Skip(ReadOnlySpan<byte> s, int pos, int depth, ref bool hasUndefined)
    {
        var token = MessagePackToken.Read(s, pos);
        switch (token.Kind)
        {
            case MessagePackTokenKind.Array:
            case MessagePackTokenKind.Map:
                if (depth >= MaxDepth)
                {
                    throw new InvalidDataException(TooDeepError);
                }

                pos += token.HeaderSize;
                var items = token.Kind == MessagePackTokenKind.Map ? token.Length * 2 : token.Length;
                for (long i = 0; i < items; i++)
                {
                    pos = Skip(s, pos, depth + 1, ref hasUndefined);
                }

                return pos;
            default:
                if (token.IsUndefined)
                {
                    hasUndefined = true;
                }

                return pos + token.ScalarSize;
        }
    }

    /// <summary>The end of the value at <paramref name="pos"/> (the structure was validated before).</summary>
    public static int End(ReadOnlySpan<byte> s, int pos)
    {
        var ignored = false;
        return Skip(s, pos, ref ignored);
    }

    /// <summary>
    /// A copy of <paramref name="value"/> with JS semantics for undefined, as MessagePack-CSharp formatters expect:
    /// a map entry whose value is undefined is left out (as JSON.stringify does), any other undefined becomes nil.
    /// </summary>
    public static byte[] WithoutUndefined(ReadOnlySpan<byte> value)
    {
        var output = new ArrayBufferWriter<byte>(value.Length);
        var writer = new MessagePackWriter(output);
        var pos = 0;
        Copy(value, ref pos, ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    private static void Copy(ReadOnlySpan<byte> s, ref int pos, ref MessagePackWriter writer)
    {
        var token = MessagePackToken.Read(s, pos);
        switch (token.Kind)
        {
            case MessagePackTokenKind.Array:
                writer.WriteArrayHeader((int)token.Length);
                pos += token.HeaderSize;
                for (long i = 0; i < token.Length; i++)
                {
                    Copy(s, ref pos, ref writer);
                }

                return;
            case MessagePackTokenKind.Map:
                pos += token.HeaderSize;
                var count = 0;
                var scan = pos;
                for (long i = 0; i < token.Length; i++)
                {
                    scan = End(s, scan);
                    if (!MessagePackToken.Read(s, scan).IsUndefined)
                    {
                        count++;
                    }

                    scan = End(s, scan);
                }

                writer.WriteMapHeader(count);
                for (long i = 0; i < token.Length; i++)
                {
                    var keyEnd = End(s, pos);
                    if (MessagePackToken.Read(s, keyEnd).IsUndefined)
                    {
                        pos = End(s, keyEnd);
                        continue;
                    }

                    Copy(s, ref pos, ref writer);
                    Copy(s, ref pos, ref writer);
                }

                return;
            default:
                if (token.IsUndefined)
                {
                    writer.WriteNil();
                }
                else
                {
                    writer.WriteRaw(s.Slice(pos, token.ScalarSize));
                }

                pos += token.ScalarSize;
                return;
        }
    }
}
