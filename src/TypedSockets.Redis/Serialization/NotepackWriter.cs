using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;
using System.Text.Json;

namespace TypedSockets.Redis.Serialization;

/// <summary>
/// Writes JS values as MessagePack exactly the way npm <c>notepack.io</c> 3 does: integers in the smallest unsigned
/// form when positive and signed form when negative, every other number as float64, strings as fixstr/str8/16/32,
/// binary as bin8/16/32, maps and arrays in their smallest header, <c>undefined</c> and <c>null</c> as nil.
/// Accepts the value trees of <see cref="JsValues"/> (null, bool, numbers, string, byte[], lists, string-keyed
/// dictionaries, <see cref="JsonElement"/>).
/// </summary>
internal static class NotepackWriter
{
    public static byte[] Encode(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, object? value)
    {
        switch (value)
        {
            case null:
                WriteByte(output, 0xc0);
                break;
            case bool b:
                WriteByte(output, b ? (byte)0xc3 : (byte)0xc2);
                break;
            case string s:
                WriteString(output, s);
                break;
            case int n:
                WriteInteger(output, n);
                break;
            case long n:
                WriteInteger(output, n);
                break;
            case double d:
                WriteNumber(output, d);
                break;
            case byte[] bytes:
                WriteBinary(output, bytes);
                break;
            case ReadOnlyMemory<byte> rom:
                WriteBinary(output, rom.Span);
                break;
            case Memory<byte> mem:
                WriteBinary(output, mem.Span);
                break;
            case ArraySegment<byte> segment:
                WriteBinary(output, segment.AsSpan());
                break;
            case JsonElement element:
                WriteJson(output, element);
                break;
            case IReadOnlyDictionary<string, object?> map:
                WriteMapHeader(output, map.Count);
                foreach (var (key, item) in map)
                {
                    WriteString(output, key);
                    Write(output, item);
                }

                break;
            case IList list:
                WriteArrayHeader(output, list.Count);
                foreach (var item in list)
                {
                    Write(output, item);
                }

                break;
            case uint n:
                WriteInteger(output, n);
                break;
            case ulong n:
                WriteUnsigned(output, n);
                break;
            case short n:
                WriteInteger(output, n);
                break;
            case ushort n:
                WriteInteger(output, n);
                break;
            case byte n:
                WriteInteger(output, n);
                break;
            case sbyte n:
                WriteInteger(output, n);
                break;
            case float f:
                WriteNumber(output, f);
                break;
            case decimal m:
                WriteNumber(output, (double)m);
                break;
            case char c:
                WriteString(output, c.ToString());
                break;
            default:
                throw new NotSupportedException($"{value.GetType()} is not a JS value: convert it with JsValues.FromClr first.");
        }
    }

    /// <summary>A JS number: integral values in integer form (as notepack decides with <c>Math.floor(v) === v</c>).</summary>
    public static void WriteNumber(IBufferWriter<byte> output, double value)
    {
        // 2^63 bounds the integer forms we can write exactly; notepack's own output beyond 2^53 is not exact either.
        if (double.IsFinite(value) && Math.Floor(value) == value && value >= -9.2233720368547758E18 && value < 9.2233720368547758E18)
        {
            WriteInteger(output, (long)value);
            return;
        }

        var span = output.GetSpan(9);
        span[0] = 0xcb;
        if (double.IsNaN(value))
        {
            // JS has one NaN, 0x7ff8000000000000 (.NET's double.NaN has the sign bit set).
            BinaryPrimitives.WriteInt64BigEndian(span[1..], 0x7ff8000000000000);
        }
        else
        {
            BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        }

        output.Advance(9);
    }

    public static void WriteInteger(IBufferWriter<byte> output, long value)
    {
        if (value >= 0)
        {
            WriteUnsigned(output, (ulong)value);
            return;
        }

        var span = output.GetSpan(9);
        if (value >= -0x20)
        {
            span[0] = unchecked((byte)(sbyte)value);
            output.Advance(1);
        }
        else if (value >= sbyte.MinValue)
        {
            span[0] = 0xd0;
            span[1] = unchecked((byte)(sbyte)value);
            output.Advance(2);
        }
        else if (value >= short.MinValue)
        {
            span[0] = 0xd1;
            BinaryPrimitives.WriteInt16BigEndian(span[1..], (short)value);
            output.Advance(3);
        }
        else if (value >= int.MinValue)
        {
            span[0] = 0xd2;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            output.Advance(5);
        }
        else
        {
            span[0] = 0xd3;
            BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
            output.Advance(9);
        }
    }

    public static void WriteUnsigned(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(9);
        if (value < 0x80)
        {
            span[0] = (byte)value;
            output.Advance(1);
        }
        else if (value <= byte.MaxValue)
        {
            span[0] = 0xcc;
            span[1] = (byte)value;
            output.Advance(2);
        }
        else if (value <= ushort.MaxValue)
        {
            span[0] = 0xcd;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
            output.Advance(3);
        }
        else if (value <= uint.MaxValue)
        {
            span[0] = 0xce;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
            output.Advance(5);
        }
        else
        {
            span[0] = 0xcf;
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            output.Advance(9);
        }
    }

    public static void WriteString(IBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = output.GetSpan(5 + length);
        int header;
        if (length < 0x20)
        {
            span[0] = (byte)(0xa0 | length);
            header = 1;
        }
        else if (length <= byte.MaxValue)
        {
            span[0] = 0xd9;
            span[1] = (byte)length;
            header = 2;
        }
        else if (length <= ushort.MaxValue)
        {
            span[0] = 0xda;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            header = 3;
        }
        else
        {
            span[0] = 0xdb;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            header = 5;
        }

        Encoding.UTF8.GetBytes(value, span[header..]);
        output.Advance(header + length);
    }

    public static void WriteBinary(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        var span = output.GetSpan(5 + value.Length);
        int header;
        if (value.Length <= byte.MaxValue)
        {
            span[0] = 0xc4;
            span[1] = (byte)value.Length;
            header = 2;
        }
        else if (value.Length <= ushort.MaxValue)
        {
            span[0] = 0xc5;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value.Length);
            header = 3;
        }
        else
        {
            span[0] = 0xc6;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value.Length);
            header = 5;
        }

        value.CopyTo(span[header..]);
        output.Advance(header + value.Length);
    }

    public static void WriteArrayHeader(IBufferWriter<byte> output, int count)
    {
        var span = output.GetSpan(5);
        if (count < 0x10)
        {
            span[0] = (byte)(0x90 | count);
            output.Advance(1);
        }
        else if (count <= ushort.MaxValue)
        {
            span[0] = 0xdc;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)count);
            output.Advance(3);
        }
        else
        {
            span[0] = 0xdd;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)count);
            output.Advance(5);
        }
    }

    public static void WriteMapHeader(IBufferWriter<byte> output, int count)
    {
        var span = output.GetSpan(5);
        if (count < 0x10)
        {
            span[0] = (byte)(0x80 | count);
            output.Advance(1);
        }
        else if (count <= ushort.MaxValue)
        {
            span[0] = 0xde;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)count);
            output.Advance(3);
        }
        else
        {
            span[0] = 0xdf;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)count);
            output.Advance(5);
        }
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteJson(IBufferWriter<byte> output, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var _ in element.EnumerateObject())
                {
                    count++;
                }

                WriteMapHeader(output, count);
                foreach (var property in element.EnumerateObject())
                {
                    WriteString(output, property.Name);
                    WriteJson(output, property.Value);
                }

                break;
            case JsonValueKind.Array:
                WriteArrayHeader(output, element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    WriteJson(output, item);
                }

                break;
            case JsonValueKind.String:
                WriteString(output, element.GetString()!);
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var n))
                {
                    WriteInteger(output, n);
                }
                else
                {
                    WriteNumber(output, element.GetDouble());
                }

                break;
            case JsonValueKind.True:
                WriteByte(output, 0xc3);
                break;
            case JsonValueKind.False:
                WriteByte(output, 0xc2);
                break;
            default:
                WriteByte(output, 0xc0);
                break;
        }
    }
}
