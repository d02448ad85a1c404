using System.Buffers.Binary;
using System.Text;

namespace TypedSockets.Redis.Serialization;

/// <summary>
/// Reads MessagePack into JS-like CLR values, as npm <c>notepack.io</c> (and <c>@msgpack/msgpack</c>) decode it:
/// nil as null, integers as <see cref="long"/> (a uint64 above <see cref="long.MaxValue"/> as <see cref="double"/>),
/// floats as <see cref="double"/>, str as <see cref="string"/>, bin as byte[], arrays as <c>List&lt;object?&gt;</c>,
/// maps as <c>Dictionary&lt;string, object?&gt;</c> (keys in wire order), the timestamp extension as a UTC
/// <see cref="DateTime"/>, and fixext1 type 0 (how older notepack writes <c>undefined</c>) as null.
/// These values re-encode unchanged with the JSON parser (byte[] becomes a binary attachment).
/// </summary>
internal static class NotepackReader
{
    private const int MaxDepth = 64;

    // Seconds from the Unix epoch to DateTime.MinValue and to the last whole second of DateTime.MaxValue.
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    /// <exception cref="InvalidDataException">Malformed or truncated input.</exception>
    public static object? Decode(ReadOnlySpan<byte> data)
    {
        var position = 0;
        var value = Read(data, ref position, 0);
        if (position != data.Length)
        {
            throw new InvalidDataException($"Unexpected {data.Length - position} byte(s) after the MessagePack value.");
        }

        return value;
    }

    private static object? Read(ReadOnlySpan<byte> data, ref int position, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException("MessagePack value nested too deeply.");
        }

        var b = Take(data, ref position, 1)[0];
        switch (b)
        {
            case <= 0x7f:
                return (long)b;
            case >= 0x80 and <= 0x8f:
                return ReadMap(data, ref position, b & 0x0f, depth);
            case >= 0x90 and <= 0x9f:
                return ReadArray(data, ref position, b & 0x0f, depth);
            case >= 0xa0 and <= 0xbf:
                return ReadString(data, ref position, b & 0x1f);
            case >= 0xe0:
                return (long)(sbyte)b;
        }

        switch (b)
        {
            case 0xc0:
                return null;
            case 0xc2:
                return false;
            case 0xc3:
                return true;
            case 0xc4:
                return Take(data, ref position, Take(data, ref position, 1)[0]).ToArray();
            case 0xc5:
                return Take(data, ref position, BinaryPrimitives.ReadUInt16BigEndian(Take(data, ref position, 2))).ToArray();
            case 0xc6:
                return Take(data, ref position, Length(BinaryPrimitives.ReadUInt32BigEndian(Take(data, ref position, 4)))).ToArray();
            case 0xc7:
                {
                    var length = Take(data, ref position, 1)[0];
                    return ReadExtension(data, ref position, length);
                }

            case 0xc8:
                {
                    var length = BinaryPrimitives.ReadUInt16BigEndian(Take(data, ref position, 2));
                    return ReadExtension(data, ref position, length);
                }

            case 0xc9:
                {
                    var length = Length(BinaryPrimitives.ReadUInt32BigEndian(Take(data, ref position, 4)));
                    return ReadExtension(data, ref position, length);
                }

            case 0xca:
                return (double)BinaryPrimitives.ReadSingleBigEndian(Take(data, ref position, 4));
            case 0xcb:
                return BinaryPrimitives.ReadDoubleBigEndian(Take(data, ref position, 8));
            case 0xcc:
                return (long)Take(data, ref position, 1)[0];
            case 0xcd:
                return (long)BinaryPrimitives.ReadUInt16BigEndian(Take(data, ref position, 2));
            case 0xce:
                return (long)BinaryPrimitives.ReadUInt32BigEndian(Take(data, ref position, 4));
            case 0xcf:
                {
                    var value = BinaryPrimitives.ReadUInt64BigEndian(Take(data, ref position, 8));

                    // Boxed apart: a conditional of long and double would be a double, losing the low bits above 2^53.
                    return value <= long.MaxValue ? (object)(long)value : (double)value;
                }

            case 0xd0:
                return (long)(sbyte)Take(data, ref position, 1)[0];
            case 0xd1:
                return (long)BinaryPrimitives.ReadInt16BigEndian(Take(data, ref position, 2));
            case 0xd2:
                return (long)BinaryPrimitives.ReadInt32BigEndian(Take(data, ref position, 4));
            case 0xd3:
                return BinaryPrimitives.ReadInt64BigEndian(Take(data, ref position, 8));
            case 0xd4:
                return ReadExtension(data, ref position, 1);
            case 0xd5:
                return ReadExtension(data, ref position, 2);
            case 0xd6:
                return ReadExtension(data, ref position, 4);
            case 0xd7:
                return ReadExtension(data, ref position, 8);
            case 0xd8:
                return ReadExtension(data, ref position, 16);
            case 0xd9:
                return ReadString(data, ref position, Take(data, ref position, 1)[0]);
            case 0xda:
                return ReadString(data, ref position, BinaryPrimitives.ReadUInt16BigEndian(Take(data, ref position, 2)));
            case 0xdb:
                return ReadString(data, ref position, Length(BinaryPrimitives.ReadUInt32BigEndian(Take(data, ref position, 4))));
            case 0xdc:
                return ReadArray(data, ref position, BinaryPrimitives.ReadUInt16BigEndian(Take(data, ref position, 2)), depth);
            case 0xdd:
                return ReadArray(data, ref position, Length(BinaryPrimitives.ReadUInt32BigEndian(Take(data, ref position, 4))), depth);
            case 0xde:
                return ReadMap(data, ref position, BinaryPrimitives.ReadUInt16BigEndian(Take(data, ref position, 2)), depth);
            case 0xdf:
                return ReadMap(data, ref position, Length(BinaryPrimitives.ReadUInt32BigEndian(Take(data, ref position, 4))), depth);
            default:
                throw new InvalidDataException($"Invalid MessagePack type byte 0x{b:x2} at offset {position - 1}.");
        }
    }

    private static object? ReadExtension(ReadOnlySpan<byte> data, ref int position, int length)
    {
        var type = (sbyte)Take(data, ref position, 1)[0];
        var payload = Take(data, ref position, length);
        if (type == -1)
        {
            return ReadTimestamp(payload);
        }

        if (type == 0 && length == 1 && payload[0] == 0)
        {
            return null; // JS undefined
        }

        return payload.ToArray();
    }

    private static DateTime ReadTimestamp(ReadOnlySpan<byte> payload)
    {
        long seconds;
        long nanoseconds;
        switch (payload.Length)
        {
            case 4:
                seconds = BinaryPrimitives.ReadUInt32BigEndian(payload);
                nanoseconds = 0;
                break;
            case 8:
                var value = BinaryPrimitives.ReadUInt64BigEndian(payload);
                nanoseconds = (long)(value >> 34);
                seconds = (long)(value & 0x3_ffff_ffffUL);
                break;
            case 12:
                nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(payload);
                seconds = BinaryPrimitives.ReadInt64BigEndian(payload[4..]);
                break;
            default:
                throw new InvalidDataException($"Invalid timestamp extension of {payload.Length} bytes.");
        }

        // DateTime holds years 1 to 9999: a timestamp outside that (or with 10^9 nanoseconds or more) is refused, not thrown as ArgumentOutOfRangeException.
        if (nanoseconds > 999_999_999 || seconds < MinTimestampSeconds || seconds > MaxTimestampSeconds)
        {
            throw new InvalidDataException($"Timestamp extension out of range: {seconds} s, {nanoseconds} ns.");
        }

        return DateTime.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100));
    }

    private static string ReadString(ReadOnlySpan<byte> data, ref int position, int length) =>
        Encoding.UTF8.GetString(Take(data, ref position, length));

    private static List<object?> ReadArray(ReadOnlySpan<byte> data, ref int position, int count, int depth)
    {
        var list = new List<object?>(Math.Min(count, data.Length - position));
        for (var i = 0; i < count; i++)
        {
            list.Add(Read(data, ref position, depth + 1));
        }

        return list;
    }

    private static Dictionary<string, object?> ReadMap(ReadOnlySpan<byte> data, ref int position, int count, int depth)
    {
        var map = new Dictionary<string, object?>(Math.Min(count, data.Length - position), StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = Read(data, ref position, depth + 1);
            var keyText = key switch
            {
                string s => s,
                null => "null",
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => key.ToString() ?? string.Empty,
            };
            map[keyText] = Read(data, ref position, depth + 1);
        }

        return map;
    }

    private static int Length(uint length) =>
        length > int.MaxValue ? throw new InvalidDataException("MessagePack length too large.") : (int)length;

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, ref int position, int count)
    {
        if (count > data.Length - position)
        {
            throw new InvalidDataException($"Truncated MessagePack value: {count} byte(s) needed at offset {position}, {data.Length - position} left.");
        }

        var slice = data.Slice(position, count);
        position += count;
        return slice;
    }
}
