using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>
/// Formatters for the types whose msgpack form socket.io-msgpack-parser (notepack.io) fixes: numbers as a JS number is
/// written (an integral value in the smallest integer form, any other as float64), dates as ext type 0 with
/// int64 milliseconds (a JS Date), binary as bin (a Node Buffer) and read back from bin or from ext type 0 (a browser
/// ArrayBuffer), plus <see cref="MessagePackRawValue"/> (written verbatim) and <see cref="JsonElement"/> (converted).
/// The msgpack parser puts it in front of the configured resolver; it uses no reflection (AOT safe).
/// </summary>
public sealed class SocketIOMessagePackResolver : IFormatterResolver
{
    /// <summary>The only instance (the resolver is stateless and thread safe).</summary>
    public static readonly SocketIOMessagePackResolver Instance = new();

    private SocketIOMessagePackResolver()
    {
    }

    /// <summary>
    /// The socket.io-compatible formatter for <typeparamref name="T"/> (numbers, dates, binary, <see cref="MessagePackRawValue"/>,
    /// <see cref="JsonElement"/>, <see cref="object"/>), or null to let the next resolver decide.
    /// </summary>
    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter = (IMessagePackFormatter<T>?)Create(typeof(T));
    }

    private static object? Create(Type type)
    {
        if (type == typeof(object))
        {
            return JavaScriptObjectFormatter.Instance;
        }

        if (type == typeof(double))
        {
            return JavaScriptNumberFormatter.Instance;
        }

        if (type == typeof(float))
        {
            return JavaScriptSingleFormatter.Instance;
        }

        if (type == typeof(double[]))
        {
            return new ArrayFormatter<double>();
        }

        if (type == typeof(float[]))
        {
            return new ArrayFormatter<float>();
        }

        if (type == typeof(DateTime))
        {
            return JavaScriptDateFormatter.Instance;
        }

        if (type == typeof(DateTimeOffset))
        {
            return JavaScriptDateOffsetFormatter.Instance;
        }

        if (type == typeof(byte[]))
        {
            return BinaryFormatter.Instance;
        }

        if (type == typeof(ReadOnlyMemory<byte>))
        {
            return ReadOnlyMemoryBinaryFormatter.Instance;
        }

        if (type == typeof(Memory<byte>))
        {
            return MemoryBinaryFormatter.Instance;
        }

        if (type == typeof(ArraySegment<byte>))
        {
            return ArraySegmentBinaryFormatter.Instance;
        }

        if (type == typeof(MessagePackRawValue))
        {
            return RawValueFormatter.Instance;
        }

        if (type == typeof(JsonElement))
        {
            return JsonElementFormatter.Instance;
        }

        return null;
    }

    /// <summary>
    /// Writes a number as notepack.io writes a JS number: an integral finite value as the smallest integer, anything
    /// else as float64.
    /// </summary>
    internal static void WriteNumber(ref MessagePackWriter writer, double value)
    {
        if (Math.Floor(value) == value && value is >= -9.2233720368547758E18 and < 9.2233720368547758E18)
        {
            writer.Write((long)value);
        }
        else
        {
            writer.Write(value);
        }
    }

    internal static void WriteDate(ref MessagePackWriter writer, long unixMilliseconds)
    {
        writer.WriteExtensionFormatHeader(new ExtensionHeader(0, 8));
        BinaryPrimitives.WriteInt64BigEndian(writer.GetSpan(8), unixMilliseconds);
        writer.Advance(8);
    }

    private static DateTimeOffset ReadDate(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType == MessagePackType.Extension)
        {
            var peek = reader.CreatePeekReader();
            var header = peek.ReadExtensionFormatHeader();
            if (header.TypeCode == 0 && header.Length == 8)
            {
                reader.ReadExtensionFormatHeader();
                Span<byte> ms = stackalloc byte[8];
                reader.ReadRaw(8).CopyTo(ms);
                return DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(ms));
            }

            if (header.TypeCode == ReservedMessagePackExtensionTypeCode.DateTime)
            {
                return new DateTimeOffset(reader.ReadDateTime());
            }
        }

        throw new MessagePackSerializationException($"Expected a date (ext type 0 with int64 milliseconds), got {reader.NextMessagePackType}.");
    }

    private static byte[]? ReadBinary(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.NextMessagePackType == MessagePackType.Extension)
        {
            var code = reader.NextCode;
            var header = reader.ReadExtensionFormatHeader();
            if (header.TypeCode != 0 || code is not (MessagePackCode.Ext8 or MessagePackCode.Ext16 or MessagePackCode.Ext32))
            {
                throw new MessagePackSerializationException($"Expected binary, got extension type {header.TypeCode}.");
            }

            return reader.ReadRaw(header.Length).ToArray();
        }

        var bytes = reader.ReadBytes() ?? throw new MessagePackSerializationException("Expected binary.");
        return bytes.ToArray();
    }

    /// <summary>
    /// <c>object</c> as a JS value: reads maps as <c>Dictionary&lt;string, object?&gt;</c>, arrays as <c>object?[]</c>,
    /// JS Dates as <see cref="DateTimeOffset"/>, ArrayBuffers and bin as <c>byte[]</c>, undefined as null, other
    /// scalars as MessagePack-CSharp reads them; writes a value with the formatter of its runtime type.
    /// </summary>
    private sealed class JavaScriptObjectFormatter : IMessagePackFormatter<object?>
    {
        public static readonly JavaScriptObjectFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNil();
            }
            else if (value.GetType() == typeof(object))
            {
                writer.WriteMapHeader(0);
            }
            else
            {
                MessagePackSerializer.Serialize(value.GetType(), ref writer, value, options);
            }
        }

        public object? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Map:
                    {
                        var count = reader.ReadMapHeader();
                        options.Security.DepthStep(ref reader);
                        try
                        {
                            var map = new Dictionary<string, object?>(Math.Min(count, 64), StringComparer.Ordinal);
                            for (var i = 0; i < count; i++)
                            {
                                var key = reader.NextMessagePackType == MessagePackType.String
                                    ? reader.ReadString()!
                                    : Convert.ToString(Deserialize(ref reader, options), System.Globalization.CultureInfo.InvariantCulture) ?? "null";
                                map[key] = Deserialize(ref reader, options);
                            }

                            return map;
                        }
                        finally
                        {
                            reader.Depth--;
                        }
                    }

                case MessagePackType.Array:
                    {
                        var count = reader.ReadArrayHeader();
                        options.Security.DepthStep(ref reader);
                        try
                        {
                            var array = new object?[count];
                            for (var i = 0; i < count; i++)
                            {
                                array[i] = Deserialize(ref reader, options);
                            }

                            return array;
                        }
                        finally
                        {
                            reader.Depth--;
                        }
                    }

                case MessagePackType.Extension:
                    {
                        var code = reader.NextCode;
                        var header = reader.CreatePeekReader().ReadExtensionFormatHeader();
                        if (header.TypeCode == 0 && code == MessagePackCode.FixExt1)
                        {
                            reader.Skip();
                            return null; // JS undefined
                        }

                        if (header.TypeCode == 0 && code == MessagePackCode.FixExt8)
                        {
                            return ReadDate(ref reader);
                        }

                        if (header.TypeCode == 0)
                        {
                            return ReadBinary(ref reader);
                        }

                        return PrimitiveObjectFormatter.Instance.Deserialize(ref reader, options);
                    }

                case MessagePackType.Binary:
                    return ReadBinary(ref reader);
                default:
                    return PrimitiveObjectFormatter.Instance.Deserialize(ref reader, options);
            }
        }
    }

    private sealed class JavaScriptNumberFormatter : IMessagePackFormatter<double>
    {
        public static readonly JavaScriptNumberFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, double value, MessagePackSerializerOptions options) => WriteNumber(ref writer, value);

        public double Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => reader.ReadDouble();
    }

    private sealed class JavaScriptSingleFormatter : IMessagePackFormatter<float>
    {
        public static readonly JavaScriptSingleFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, float value, MessagePackSerializerOptions options) => WriteNumber(ref writer, value);

        public float Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => reader.ReadSingle();
    }

    private sealed class JavaScriptDateFormatter : IMessagePackFormatter<DateTime>
    {
        public static readonly JavaScriptDateFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, DateTime value, MessagePackSerializerOptions options)
        {
            var utc = value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();
            WriteDate(ref writer, new DateTimeOffset(utc).ToUnixTimeMilliseconds());
        }

        public DateTime Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => ReadDate(ref reader).UtcDateTime;
    }

    private sealed class JavaScriptDateOffsetFormatter : IMessagePackFormatter<DateTimeOffset>
    {
        public static readonly JavaScriptDateOffsetFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, DateTimeOffset value, MessagePackSerializerOptions options) =>
            WriteDate(ref writer, value.ToUnixTimeMilliseconds());

        public DateTimeOffset Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => ReadDate(ref reader);
    }

    private sealed class BinaryFormatter : IMessagePackFormatter<byte[]?>
    {
        public static readonly BinaryFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, byte[]? value, MessagePackSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNil();
            }
            else
            {
                writer.Write(value.AsSpan());
            }
        }

        public byte[]? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => ReadBinary(ref reader);
    }

    private sealed class ReadOnlyMemoryBinaryFormatter : IMessagePackFormatter<ReadOnlyMemory<byte>>
    {
        public static readonly ReadOnlyMemoryBinaryFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, ReadOnlyMemory<byte> value, MessagePackSerializerOptions options) => writer.Write(value.Span);

        public ReadOnlyMemory<byte> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => ReadBinary(ref reader);
    }

    private sealed class MemoryBinaryFormatter : IMessagePackFormatter<Memory<byte>>
    {
        public static readonly MemoryBinaryFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, Memory<byte> value, MessagePackSerializerOptions options) => writer.Write(value.Span);

        public Memory<byte> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => ReadBinary(ref reader);
    }

    private sealed class ArraySegmentBinaryFormatter : IMessagePackFormatter<ArraySegment<byte>>
    {
        public static readonly ArraySegmentBinaryFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, ArraySegment<byte> value, MessagePackSerializerOptions options) => writer.Write(value.AsSpan());

        public ArraySegment<byte> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => ReadBinary(ref reader) ?? default(ArraySegment<byte>);
    }

    private sealed class RawValueFormatter : IMessagePackFormatter<MessagePackRawValue?>
    {
        public static readonly RawValueFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, MessagePackRawValue? value, MessagePackSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNil();
            }
            else
            {
                writer.WriteRaw(value.Bytes.Span);
            }
        }

        public MessagePackRawValue? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            new(reader.ReadRaw().ToArray());
    }

    private sealed class JsonElementFormatter : IMessagePackFormatter<JsonElement>
    {
        public static readonly JsonElementFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, JsonElement value, MessagePackSerializerOptions options) =>
            MessagePackJson.WriteMessagePack(ref writer, value);

        public JsonElement Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            var raw = reader.ReadRaw().ToArray();
            var output = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(output))
            {
                var pos = 0;
                MessagePackJson.WriteJson(raw, ref pos, json, (JsonSerializerOptions?)null);
            }

            using var document = JsonDocument.Parse(output.WrittenMemory);
            return document.RootElement.Clone();
        }
    }
}
