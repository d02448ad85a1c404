using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using MessagePack;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>
/// Arguments of a packet read by the msgpack parser: slices of the received message, bound only when asked for,
/// through their System.Text.Json contract (or MessagePack-CSharp, as the parser's
/// <see cref="MessagePackSocketIOParser.ObjectMapping"/> says).
/// </summary>
public sealed class MessagePackSocketIOArguments : SocketIOArguments
{
    private readonly byte[] _buffer;
    private readonly ReadOnlyMemory<MessagePackRange> _ranges;
    private readonly bool _mayHoldUndefined;
    private readonly MessagePackSocketIOParser _parser;

    internal MessagePackSocketIOArguments(byte[] buffer, ReadOnlyMemory<MessagePackRange> ranges, bool mayHoldUndefined, MessagePackSocketIOParser parser)
    {
        _buffer = buffer;
        _ranges = ranges;
        _mayHoldUndefined = mayHoldUndefined;
        _parser = parser;
    }

    /// <inheritdoc/>
    public override int Count => _ranges.Length;

    /// <summary>The msgpack bytes of argument <paramref name="index"/>, exactly as received.</summary>
    public ReadOnlyMemory<byte> GetBytes(int index)
    {
        if ((uint)index >= (uint)_ranges.Length)
        {
            throw NoSuchArgument(index, _ranges.Length);
        }

        var range = _ranges.Span[index];
        return _buffer.AsMemory(range.Start, range.Length);
    }

    /// <inheritdoc/>
    public override T? Get<T>(int index) where T : default
    {
        if (_parser.UsesJsonContract)
        {
            var bytes = GetBytes(index);
            if (typeof(T) == typeof(MessagePackRawValue))
            {
                return (T)(object)new MessagePackRawValue(bytes);
            }

            var info = JsonMetadata.Get<T>(_parser.JsonSerializerOptions);
            try
            {
                return MessagePackJsonContract.Read(bytes.Span, info);
            }
            catch (Exception e) when (IsBindingError(e))
            {
                throw new SocketIOBindingException($"Argument {index} cannot be read as {typeof(T)}: {e.Message}", e);
            }
        }

        try
        {
            return MessagePackSerializer.Deserialize<T>(BytesForBinding(index), _parser.SerializerOptions);
        }
        catch (Exception e) when (e is MessagePackSerializationException or InvalidOperationException or FormatException or OverflowException or NotSupportedException)
        {
            throw new SocketIOBindingException($"Argument {index} cannot be read as {typeof(T)}: {Describe(e)}", e);
        }
    }

    /// <inheritdoc/>
    public override object? Get(int index, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_parser.UsesJsonContract)
        {
            var bytes = GetBytes(index);
            if (type == typeof(MessagePackRawValue))
            {
                return new MessagePackRawValue(bytes);
            }

            var info = JsonMetadata.Get(_parser.JsonSerializerOptions, type);
            try
            {
                return MessagePackJsonContract.Read(bytes.Span, info);
            }
            catch (Exception e) when (IsBindingError(e))
            {
                throw new SocketIOBindingException($"Argument {index} cannot be read as {type}: {e.Message}", e);
            }
        }

        try
        {
            return MessagePackSerializer.Deserialize(type, BytesForBinding(index), _parser.SerializerOptions);
        }
        catch (Exception e) when (e is MessagePackSerializationException or InvalidOperationException or FormatException or OverflowException or NotSupportedException)
        {
            throw new SocketIOBindingException($"Argument {index} cannot be read as {type}: {Describe(e)}", e);
        }
    }

    /// <summary>
    /// A binary value (msgpack bin, or a JS ArrayBuffer written as ext type 0) as <c>byte[]</c>; anything else as a
    /// <see cref="MessagePackRawValue"/> holding the received bytes, which the msgpack parser writes back verbatim.
    /// </summary>
    public override object? GetRaw(int index)
    {
        var bytes = GetBytes(index);
        var span = bytes.Span;
        var token = MessagePackToken.Read(span, 0);
        if (token.Kind == MessagePackTokenKind.Binary || token.IsArrayBuffer)
        {
            return span.Slice(token.HeaderSize, (int)token.Length).ToArray();
        }

        return new MessagePackRawValue(bytes);
    }

    /// <inheritdoc/>
    public override bool IsNull(int index)
    {
        var token = MessagePackToken.Read(GetBytes(index).Span, 0);
        return token.Kind == MessagePackTokenKind.Nil || token.IsUndefined;
    }

    /// <inheritdoc/>
    public override bool TryGetStringProperty(int index, string name, out string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        value = null;
        if ((uint)index >= (uint)_ranges.Length)
        {
            return false;
        }

        var s = GetBytes(index).Span;
        var map = MessagePackToken.Read(s, 0);
        if (map.Kind != MessagePackTokenKind.Map)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[256];
        var nameBytes = Encoding.UTF8.GetMaxByteCount(name.Length) <= utf8.Length ? utf8[..Encoding.UTF8.GetBytes(name, utf8)] : Encoding.UTF8.GetBytes(name);
        var pos = map.HeaderSize;
        for (long i = 0; i < map.Length; i++)
        {
            var key = MessagePackToken.Read(s, pos);
            var valueAt = MessagePackScanner.End(s, pos);
            if (key.Kind == MessagePackTokenKind.String && s.Slice(pos + key.HeaderSize, (int)key.Length).SequenceEqual(nameBytes))
            {
                value = MessagePackSocketIODecoder.ReadString(s, valueAt);
                return value is not null;
            }

            pos = MessagePackScanner.End(s, valueAt);
        }

        return false;
    }

    /// <inheritdoc/>
    public override bool TryGetError(int index, out string? message, out string? code)
    {
        message = null;
        code = null;
        if ((uint)index >= (uint)_ranges.Length)
        {
            return false;
        }

        try
        {
            var reader = new MessagePackReader(GetBytes(index));
            if (reader.NextMessagePackType != MessagePackType.Map)
            {
                return false;
            }

            var count = reader.ReadMapHeader();
            for (var i = 0; i < count; i++)
            {
                var name = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : null;
                if (name is null)
                {
                    reader.Skip();
                }

                if (name == "error" && reader.NextMessagePackType == MessagePackType.Map)
                {
                    var fields = reader.ReadMapHeader();
                    for (var j = 0; j < fields; j++)
                    {
                        var key = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : null;
                        if (key is null)
                        {
                            reader.Skip();
                        }

                        var value = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : null;
                        if (value is null)
                        {
                            reader.Skip();
                        }

                        if (key == "message")
                        {
                            message = value;
                        }
                        else if (key == "code")
                        {
                            code = value;
                        }
                    }

                    return message is not null;
                }

                reader.Skip();
            }
        }
        catch (MessagePackSerializationException)
        {
        }
        catch (System.IO.EndOfStreamException)
        {
        }

        message = null;
        code = null;
        return false;
    }

    /// <inheritdoc/>
    public override bool TryGetError([NotNullWhen(true)] out SocketInvocationException? error)
    {
        error = null;
        if (_ranges.Length != 1)
        {
            return false;
        }

        var bytes = GetBytes(0);
        var s = bytes.Span;
        var outer = MessagePackToken.Read(s, 0);
        if (outer.Kind != MessagePackTokenKind.Map || outer.Length != 1)
        {
            return false;
        }

        var key = MessagePackToken.Read(s, outer.HeaderSize);
        var bodyAt = MessagePackScanner.End(s, outer.HeaderSize);
        if (key.Kind != MessagePackTokenKind.String || !s.Slice(outer.HeaderSize + key.HeaderSize, (int)key.Length).SequenceEqual("error"u8))
        {
            return false;
        }

        var body = MessagePackToken.Read(s, bodyAt);
        if (body.Kind != MessagePackTokenKind.Map)
        {
            return false;
        }

        string? message = null, code = null;
        object? data = null;
        var pos = bodyAt + body.HeaderSize;
        for (long i = 0; i < body.Length; i++)
        {
            var name = MessagePackToken.Read(s, pos);
            var valueAt = MessagePackScanner.End(s, pos);
            var valueEnd = MessagePackScanner.End(s, valueAt);
            if (name.Kind == MessagePackTokenKind.String)
            {
                var nameBytes = s.Slice(pos + name.HeaderSize, (int)name.Length);
                if (nameBytes.SequenceEqual("message"u8))
                {
                    message = MessagePackSocketIODecoder.ReadString(s, valueAt);
                }
                else if (nameBytes.SequenceEqual("code"u8))
                {
                    code = MessagePackSocketIODecoder.ReadString(s, valueAt);
                }
                else if (nameBytes.SequenceEqual("data"u8))
                {
                    var value = MessagePackToken.Read(s, valueAt);
                    data = value.Kind == MessagePackTokenKind.Nil || value.IsUndefined ? null : new MessagePackRawValue(bytes[valueAt..valueEnd]);
                }
            }

            pos = valueEnd;
        }

        if (message is null)
        {
            return false;
        }

        error = new SocketInvocationException(message, code, data);
        return true;
    }

    /// <inheritdoc/>
    public override bool TryGetString(int index, out string? value)
    {
        value = null;
        if ((uint)index >= (uint)_ranges.Length)
        {
            return false;
        }

        value = MessagePackSocketIODecoder.ReadString(GetBytes(index).Span, 0);
        return value is not null;
    }

    /// <summary>The argument count (for logs).</summary>
    public override string ToString() => $"{Count} msgpack argument(s)";

    private ReadOnlyMemory<byte> BytesForBinding(int index)
    {
        var bytes = GetBytes(index);
        if (!_mayHoldUndefined)
        {
            return bytes;
        }

        var hasUndefined = false;
        MessagePackScanner.Skip(bytes.Span, 0, ref hasUndefined);
        return hasUndefined ? MessagePackScanner.WithoutUndefined(bytes.Span) : bytes;
    }

    // What a payload that does not fit the contract throws (a metadata error is a configuration error and passes).
    private static bool IsBindingError(Exception e) =>
        e is JsonException or FormatException or OverflowException or ArgumentException or InvalidDataException
            || (e is InvalidOperationException or NotSupportedException && e is not SocketIOJsonMetadataException);

    private static string Describe(Exception e) => e.InnerException is { } inner && e is MessagePackSerializationException ? inner.Message : e.Message;
}
