using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// Arguments of a packet read by the JSON parser: elements of a JSON array plus its binary attachments.
/// A text event or ack (the common case) keeps its JSON text and where each argument starts and ends: an argument
/// is deserialized straight from its bytes, and a <see cref="JsonElement"/> tree is built only when one is asked for.
/// </summary>
public sealed class JsonSocketIOArguments : SocketIOArguments
{
    private readonly JsonElement _root;
    private readonly int _offset;
    private readonly int _count;
    private readonly bool _single;
    private readonly byte[][] _attachments;
    private readonly JsonSerializerOptions _options;

    // Text mode: the packet's JSON array, and [start, end) of each argument in it (a single argument needs no array).
    private readonly byte[]? _utf8;
    private readonly int[]? _bounds;
    private readonly int _firstStart;
    private readonly int _firstEnd;

    // Text mode: the parsed array, built on first use of an API that hands out JsonElement (boxed, published once).
    private object? _lazyRoot;

    internal JsonSocketIOArguments(JsonElement array, int offset, byte[][] attachments, JsonSerializerOptions options)
    {
        _root = array;
        _offset = offset;
        _count = array.GetArrayLength() - offset;
        _attachments = attachments;
        _options = options;
    }

    internal JsonSocketIOArguments(JsonElement single, byte[][] attachments, JsonSerializerOptions options)
    {
        _root = single;
        _single = true;
        _count = 1;
        _attachments = attachments;
        _options = options;
    }

    /// <summary>Text mode: <paramref name="utf8"/> is a whole, validated JSON array whose elements from <paramref name="offset"/> on are the arguments.</summary>
    internal JsonSocketIOArguments(byte[] utf8, int offset, int count, int firstStart, int firstEnd, int[]? bounds, JsonSerializerOptions options)
    {
        _utf8 = utf8;
        _offset = offset;
        _count = count;
        _firstStart = firstStart;
        _firstEnd = firstEnd;
        _bounds = bounds;
        _attachments = [];
        _options = options;
    }

    /// <inheritdoc/>
    public override int Count => _count;

    /// <summary>The binary attachments of the packet, in placeholder order.</summary>
    public IReadOnlyList<byte[]> Attachments => _attachments;

    /// <summary>The JSON of argument <paramref name="index"/> (placeholders left as they are).</summary>
    public JsonElement GetElement(int index)
    {
        if ((uint)index >= (uint)_count)
        {
            throw NoSuchArgument(index, _count);
        }

        if (_utf8 is not null)
        {
            return Root[_offset + index];
        }

        return _single ? _root : _root[_offset + index];
    }

    private JsonElement Root
    {
        get
        {
            if (Volatile.Read(ref _lazyRoot) is not { } root)
            {
                var reader = new Utf8JsonReader(_utf8, new JsonReaderOptions { MaxDepth = JsonSocketIODecoder.MaxDepthOf(_options) });
                Interlocked.CompareExchange(ref _lazyRoot, JsonElement.ParseValue(ref reader), null);
                root = _lazyRoot!;
            }

            return (JsonElement)root;
        }
    }

    /// <summary>Text mode: the JSON of argument <paramref name="index"/>.</summary>
    private ReadOnlySpan<byte> Slice(int index)
    {
        if ((uint)index >= (uint)_count)
        {
            throw NoSuchArgument(index, _count);
        }

        if (_bounds is null)
        {
            return _utf8.AsSpan(_firstStart, _firstEnd - _firstStart);
        }

        var start = _bounds[index * 2];
        return _utf8.AsSpan(start, _bounds[(index * 2) + 1] - start);
    }

    /// <inheritdoc/>
    public override T? Get<T>(int index) where T : default
    {
        if (_utf8 is not null && typeof(T) != typeof(JsonElement))
        {
            var json = Slice(index);
            var info = JsonMetadata.Get<T>(_options);
            var outer = JsonAttachmentScope.EnterIncoming(_attachments);
            try
            {
                return JsonSerializer.Deserialize(json, info);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
            {
                throw new SocketIOBindingException($"Argument {index} cannot be read as {typeof(T)}: {e.Message}", e);
            }
            finally
            {
                JsonAttachmentScope.ExitIncoming(outer);
            }
        }

        var element = GetElement(index);
        if (typeof(T) == typeof(JsonElement))
        {
            return (T)(object)element;
        }

        ThrowIfBinaryForNonBinaryType(index, element, typeof(T));
        var typeInfo = JsonMetadata.Get<T>(_options);
        var previous = JsonAttachmentScope.EnterIncoming(_attachments);
        try
        {
            return element.Deserialize(typeInfo);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new SocketIOBindingException($"Argument {index} cannot be read as {typeof(T)}: {e.Message}", e);
        }
        finally
        {
            JsonAttachmentScope.ExitIncoming(previous);
        }
    }

    /// <inheritdoc/>
    public override object? Get(int index, Type type)
    {
        if (_utf8 is not null && type != typeof(JsonElement))
        {
            var json = Slice(index);
            var info = JsonMetadata.Get(_options, type);
            var outer = JsonAttachmentScope.EnterIncoming(_attachments);
            try
            {
                return JsonSerializer.Deserialize(json, info);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
            {
                throw new SocketIOBindingException($"Argument {index} cannot be read as {type}: {e.Message}", e);
            }
            finally
            {
                JsonAttachmentScope.ExitIncoming(outer);
            }
        }

        var element = GetElement(index);
        if (type == typeof(JsonElement))
        {
            return element;
        }

        ThrowIfBinaryForNonBinaryType(index, element, type);
        var typeInfo = JsonMetadata.Get(_options, type);
        var previous = JsonAttachmentScope.EnterIncoming(_attachments);
        try
        {
            return element.Deserialize(typeInfo);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new SocketIOBindingException($"Argument {index} cannot be read as {type}: {e.Message}", e);
        }
        finally
        {
            JsonAttachmentScope.ExitIncoming(previous);
        }
    }

    /// <summary>A binary argument read as a type that cannot hold bytes is a binding error, not an object of nulls.</summary>
    private void ThrowIfBinaryForNonBinaryType(int index, JsonElement element, Type type)
    {
        if (_attachments.Length == 0 || type == typeof(object) || s_binaryConverter.CanConvert(Nullable.GetUnderlyingType(type) ?? type) ||
            !JsonPlaceholders.TryGetPlaceholder(element, out _))
        {
            return;
        }

        throw new SocketIOBindingException($"Argument {index} is binary data and cannot be read as {type}.");
    }

    private static readonly BinaryPlaceholderConverterFactory s_binaryConverter = new();

    /// <summary>
    /// The argument as a <see cref="JsonElement"/>; a binary attachment as <c>byte[]</c>; an element that holds attachment
    /// placeholders deeper inside as a value that the JSON and msgpack parsers both write back with its binary data.
    /// </summary>
    public override object? GetRaw(int index)
    {
        var element = GetElement(index);
        if (_attachments.Length > 0)
        {
            if (JsonPlaceholders.TryGetPlaceholder(element, out var num) && num < _attachments.Length)
            {
                return _attachments[num];
            }

            if (JsonWithAttachments.ContainsPlaceholder(element))
            {
                return new JsonWithAttachments(element, _attachments);
            }
        }

        return element;
    }

    /// <inheritdoc/>
    public override bool TryGetError([NotNullWhen(true)] out SocketInvocationException? error)
    {
        error = null;
        if (_count != 1 || (_utf8 is not null && !HasSingleErrorProperty(Slice(0))))
        {
            return false;
        }

        var element = GetElement(0);
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        JsonElement body = default;
        var properties = 0;
        foreach (var property in element.EnumerateObject())
        {
            if (++properties > 1 || !property.NameEquals("error"u8))
            {
                return false;
            }

            body = property.Value;
        }

        if (properties != 1 || body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("message"u8, out var message) || message.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var code = body.TryGetProperty("code"u8, out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        object? data = body.TryGetProperty("data"u8, out var d) && d.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? d.Clone() : null;
        error = new SocketInvocationException(message.GetString()!, code, data);
        return true;
    }

    /// <summary>Text mode, without building a tree: is the JSON an object whose only property is <c>error</c>?</summary>
    private bool HasSingleErrorProperty(ReadOnlySpan<byte> json)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
        {
            return false;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = JsonSocketIODecoder.MaxDepthOf(_options) });
        return reader.Read() && reader.Read()
            && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("error"u8)
            && reader.Read() && reader.TokenType == JsonTokenType.StartObject
            && reader.TrySkip() && reader.Read() && reader.TokenType == JsonTokenType.EndObject;
    }

    /// <inheritdoc/>
    public override bool TryGetStringProperty(int index, string name, out string? value)
    {
        value = null;
        if ((uint)index >= (uint)_count)
        {
            return false;
        }

        var element = GetElement(index);
        try
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String)
            {
                value = property.GetString();
                return true;
            }
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape in a property name or in the value: no .NET string to compare or return.
            value = null;
        }

        return false;
    }

    /// <inheritdoc/>
    public override bool TryGetString(int index, out string? value)
    {
        value = null;
        if ((uint)index >= (uint)_count)
        {
            return false;
        }

        if (_utf8 is not null)
        {
            var reader = new Utf8JsonReader(Slice(index));
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            return TryRead(ref reader, out value);
        }

        var element = GetElement(index);
        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            value = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape ("\ud800", as JS writes it) has no .NET string: not readable as one.
            return false;
        }
    }

    private static bool TryRead(ref Utf8JsonReader reader, out string? value)
    {
        try
        {
            value = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }

    /// <inheritdoc/>
    public override bool IsNull(int index) =>
        _utf8 is not null ? Slice(index)[0] == (byte)'n' : GetElement(index).ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    /// <summary>The argument count and the received JSON (for logs and debugging).</summary>
    public override string ToString() =>
        _utf8 is not null ? $"{_count} argument(s) of {System.Text.Encoding.UTF8.GetString(_utf8)}"
        : _single ? _root.GetRawText() : $"{_count} argument(s) of {_root.GetRawText()}";
}

internal static class JsonPlaceholders
{
    public static bool TryGetPlaceholder(JsonElement element, out int num)
    {
        num = -1;
        if (element.ValueKind != JsonValueKind.Object ||
            !TryGetProperty(element, "_placeholder"u8, out var flag) || flag.ValueKind != JsonValueKind.True ||
            !TryGetProperty(element, "num"u8, out var n) || n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out num))
        {
            return false;
        }

        return num >= 0;
    }

    /// <summary>
    /// <see cref="JsonElement.TryGetProperty(ReadOnlySpan{byte}, out JsonElement)"/>, false instead of an
    /// <see cref="InvalidOperationException"/> when a property name of the object is a lone surrogate escape
    /// (<c>"\udc00"</c>, valid JSON that System.Text.Json cannot unescape to compare).
    /// </summary>
    private static bool TryGetProperty(JsonElement element, ReadOnlySpan<byte> name, out JsonElement value)
    {
        try
        {
            return element.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    /// <summary>Checks every placeholder of a reassembled packet, as the reference does ("illegal attachments").</summary>
    public static void Validate(JsonElement element, int attachmentCount)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Validate(item, attachmentCount);
                }

                break;
            case JsonValueKind.Object:
                if (TryGetProperty(element, "_placeholder"u8, out var flag) && flag.ValueKind == JsonValueKind.True)
                {
                    if (!TryGetPlaceholder(element, out var num) || num >= attachmentCount)
                    {
                        throw new InvalidDataException("illegal attachments");
                    }

                    return;
                }

                foreach (var property in element.EnumerateObject())
                {
                    Validate(property.Value, attachmentCount);
                }

                break;
        }
    }
}
