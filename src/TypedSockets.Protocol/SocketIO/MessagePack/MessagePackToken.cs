using System.Buffers.Binary;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>
/// One msgpack header read from a span: its kind, the size of the header, and the payload length (bytes for
/// str/bin/ext, elements for arrays, pairs for maps). Lengths are checked against the bytes that remain before anything
/// trusts them, so a 2 GB header in a 20-byte message is an error and never an allocation.
/// </summary>
internal readonly struct MessagePackToken
{
    public const string TruncatedError = "truncated msgpack";
    public const string UnknownFormatError = "Could not parse";

    private MessagePackToken(MessagePackTokenKind kind, byte code, int headerSize, long length, sbyte extensionType = 0)
    {
        Kind = kind;
        Code = code;
        HeaderSize = headerSize;
        Length = length;
        ExtensionType = extensionType;
    }

    public MessagePackTokenKind Kind { get; }

    /// <summary>The first byte (the msgpack format code).</summary>
    public byte Code { get; }

    public int HeaderSize { get; }

    /// <summary>Payload bytes of str/bin/ext/int/float; element count of an array; pair count of a map.</summary>
    public long Length { get; }

    public sbyte ExtensionType { get; }

    /// <summary>JS undefined as notepack.io writes it: fixext1 type 0 (<c>d4 00 00</c>).</summary>
    public bool IsUndefined => Code == 0xd4 && ExtensionType == 0;

    /// <summary>A JS Date as notepack.io writes it: fixext8 type 0 holding int64 milliseconds.</summary>
    public bool IsJavaScriptDate => Code == 0xd7 && ExtensionType == 0;

    /// <summary>A JS ArrayBuffer / typed array as notepack.io writes it: ext 8/16/32 of type 0.</summary>
    public bool IsArrayBuffer => Code is 0xc7 or 0xc8 or 0xc9 && ExtensionType == 0;

    /// <summary>Reads the header at <paramref name="pos"/>; throws <see cref="InvalidDataException"/> when it is cut short or unknown.</summary>
    public static MessagePackToken Read(ReadOnlySpan<byte> s, int pos)
    {
        if ((uint)pos >= (uint)s.Length)
        {
            throw new InvalidDataException(TruncatedError);
        }

        var code = s[pos];
        var remaining = s.Length - pos;
        MessagePackToken token;
        switch (code)
        {
            case <= 0x7f:
                return new MessagePackToken(MessagePackTokenKind.Integer, code, 1, 0);
            case <= 0x8f:
                token = new MessagePackToken(MessagePackTokenKind.Map, code, 1, code & 0x0f);
                break;
            case <= 0x9f:
                token = new MessagePackToken(MessagePackTokenKind.Array, code, 1, code & 0x0f);
                break;
            case <= 0xbf:
                token = new MessagePackToken(MessagePackTokenKind.String, code, 1, code & 0x1f);
                break;
            case 0xc0:
                return new MessagePackToken(MessagePackTokenKind.Nil, code, 1, 0);
            case 0xc1:
                throw new InvalidDataException(UnknownFormatError);
            case 0xc2 or 0xc3:
                return new MessagePackToken(MessagePackTokenKind.Boolean, code, 1, 0);
            case 0xc4:
                token = new MessagePackToken(MessagePackTokenKind.Binary, code, 2, Length8(s, pos));
                break;
            case 0xc5:
                token = new MessagePackToken(MessagePackTokenKind.Binary, code, 3, Length16(s, pos));
                break;
            case 0xc6:
                token = new MessagePackToken(MessagePackTokenKind.Binary, code, 5, Length32(s, pos));
                break;
            case 0xc7:
                token = new MessagePackToken(MessagePackTokenKind.Extension, code, 3, Length8(s, pos), ExtType(s, pos + 2));
                break;
            case 0xc8:
                token = new MessagePackToken(MessagePackTokenKind.Extension, code, 4, Length16(s, pos), ExtType(s, pos + 3));
                break;
            case 0xc9:
                token = new MessagePackToken(MessagePackTokenKind.Extension, code, 6, Length32(s, pos), ExtType(s, pos + 5));
                break;
            case 0xca:
                token = new MessagePackToken(MessagePackTokenKind.Float, code, 1, 4);
                break;
            case 0xcb:
                token = new MessagePackToken(MessagePackTokenKind.Float, code, 1, 8);
                break;
            case 0xcc or 0xd0:
                token = new MessagePackToken(MessagePackTokenKind.Integer, code, 1, 1);
                break;
            case 0xcd or 0xd1:
                token = new MessagePackToken(MessagePackTokenKind.Integer, code, 1, 2);
                break;
            case 0xce or 0xd2:
                token = new MessagePackToken(MessagePackTokenKind.Integer, code, 1, 4);
                break;
            case 0xcf or 0xd3:
                token = new MessagePackToken(MessagePackTokenKind.Integer, code, 1, 8);
                break;
            case 0xd4:
                token = new MessagePackToken(MessagePackTokenKind.Extension, code, 2, 1, ExtType(s, pos + 1));
                break;
            case 0xd5:
                token = new MessagePackToken(MessagePackTokenKind.Extension, code, 2, 2, ExtType(s, pos + 1));
                break;
            case 0xd6:
                token = new MessagePackToken(MessagePackTokenKind.Extension, code, 2, 4, ExtType(s, pos + 1));
                break;
            case 0xd7:
                token = new MessagePackToken(MessagePackTokenKind.Extension, code, 2, 8, ExtType(s, pos + 1));
                break;
            case 0xd8:
                token = new MessagePackToken(MessagePackTokenKind.Extension, code, 2, 16, ExtType(s, pos + 1));
                break;
            case 0xd9:
                token = new MessagePackToken(MessagePackTokenKind.String, code, 2, Length8(s, pos));
                break;
            case 0xda:
                token = new MessagePackToken(MessagePackTokenKind.String, code, 3, Length16(s, pos));
                break;
            case 0xdb:
                token = new MessagePackToken(MessagePackTokenKind.String, code, 5, Length32(s, pos));
                break;
            case 0xdc:
                token = new MessagePackToken(MessagePackTokenKind.Array, code, 3, Length16(s, pos));
                break;
            case 0xdd:
                token = new MessagePackToken(MessagePackTokenKind.Array, code, 5, Length32(s, pos));
                break;
            case 0xde:
                token = new MessagePackToken(MessagePackTokenKind.Map, code, 3, Length16(s, pos));
                break;
            case 0xdf:
                token = new MessagePackToken(MessagePackTokenKind.Map, code, 5, Length32(s, pos));
                break;
            default:
                return new MessagePackToken(MessagePackTokenKind.Integer, code, 1, 0); // negative fixint
        }

        // Every element of an array takes at least one byte, every map pair two: a count is bounded by what remains.
        var needed = token.Kind switch
        {
            MessagePackTokenKind.Array => token.Length,
            MessagePackTokenKind.Map => token.Length * 2,
            _ => token.Length,
        };
        if (needed > remaining - token.HeaderSize)
        {
            throw new InvalidDataException(TruncatedError);
        }

        return token;
    }

    /// <summary>The size of a scalar (header plus payload); 0 for arrays and maps.</summary>
    public int ScalarSize => Kind is MessagePackTokenKind.Array or MessagePackTokenKind.Map ? 0 : HeaderSize + (int)Length;

    /// <summary>
    /// Reads an integer token (or a float64 holding an integer, which JS does not tell apart) as a long.
    /// False for anything else, for integers beyond long, and for non-integral floats.
    /// </summary>
    public static bool TryReadInteger(ReadOnlySpan<byte> s, int pos, out long value)
    {
        var token = Read(s, pos);
        var p = s[(pos + token.HeaderSize)..];
        value = 0;
        switch (token.Code)
        {
            case <= 0x7f: value = token.Code; return true;
            case >= 0xe0: value = (sbyte)token.Code; return true;
            case 0xcc: value = p[0]; return true;
            case 0xcd: value = BinaryPrimitives.ReadUInt16BigEndian(p); return true;
            case 0xce: value = BinaryPrimitives.ReadUInt32BigEndian(p); return true;
            case 0xcf:
                var u = BinaryPrimitives.ReadUInt64BigEndian(p);
                value = (long)u;
                return u <= long.MaxValue;
            case 0xd0: value = (sbyte)p[0]; return true;
            case 0xd1: value = BinaryPrimitives.ReadInt16BigEndian(p); return true;
            case 0xd2: value = BinaryPrimitives.ReadInt32BigEndian(p); return true;
            case 0xd3: value = BinaryPrimitives.ReadInt64BigEndian(p); return true;
            case 0xca: return FromDouble(BinaryPrimitives.ReadSingleBigEndian(p), out value);
            case 0xcb: return FromDouble(BinaryPrimitives.ReadDoubleBigEndian(p), out value);
            default: return false;
        }
    }

    private static bool FromDouble(double d, out long value)
    {
        value = 0;
        if (!double.IsFinite(d) || Math.Floor(d) != d || d < long.MinValue || d >= 9.2233720368547758E18)
        {
            return false;
        }

        value = (long)d;
        return true;
    }

    private static sbyte ExtType(ReadOnlySpan<byte> s, int pos) =>
        (uint)pos < (uint)s.Length ? (sbyte)s[pos] : throw new InvalidDataException(TruncatedError);

    private static long Length8(ReadOnlySpan<byte> s, int pos) =>
        pos + 1 < s.Length ? s[pos + 1] : throw new InvalidDataException(TruncatedError);

    private static long Length16(ReadOnlySpan<byte> s, int pos) =>
        pos + 2 < s.Length ? BinaryPrimitives.ReadUInt16BigEndian(s[(pos + 1)..]) : throw new InvalidDataException(TruncatedError);

    private static long Length32(ReadOnlySpan<byte> s, int pos) =>
        pos + 4 < s.Length ? BinaryPrimitives.ReadUInt32BigEndian(s[(pos + 1)..]) : throw new InvalidDataException(TruncatedError);
}
