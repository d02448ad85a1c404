using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MessagePack;
using MessagePack.Resolvers;
using TypedSockets.Protocol.Buffers;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>
/// The msgpack Socket.IO parser, wire compatible with npm <c>socket.io-msgpack-parser</c> 3.x: every packet is one
/// msgpack map <c>{type, data, nsp, id?}</c> in one binary Engine.IO message, binary values inline as msgpack bin,
/// only packet types 0-4. Object arguments take the shape of their System.Text.Json contract, the same as with the
/// JSON parser (<see cref="MessagePackObjectMapping.JsonContract"/>); MessagePack-CSharp's resolvers are an opt-in
/// (<see cref="MessagePackObjectMapping.MessagePackResolver"/>).
/// </summary>
public sealed class MessagePackSocketIOParser : SocketIOParser
{
    [ThreadStatic]
    private static EncoderState? t_state;

    // msgpack fixstr forms of the keys and of "/".
    private static ReadOnlySpan<byte> TypeKey => [0xa4, (byte)'t', (byte)'y', (byte)'p', (byte)'e'];
    private static ReadOnlySpan<byte> DataKey => [0xa4, (byte)'d', (byte)'a', (byte)'t', (byte)'a'];
    private static ReadOnlySpan<byte> NspKey => [0xa3, (byte)'n', (byte)'s', (byte)'p'];
    private static ReadOnlySpan<byte> IdKey => [0xa2, (byte)'i', (byte)'d'];
    private static ReadOnlySpan<byte> SidKey => [0xa3, (byte)'s', (byte)'i', (byte)'d'];
    private static ReadOnlySpan<byte> PidKey => [0xa3, (byte)'p', (byte)'i', (byte)'d'];
    private static ReadOnlySpan<byte> MessageKey => [0xa7, (byte)'m', (byte)'e', (byte)'s', (byte)'s', (byte)'a', (byte)'g', (byte)'e'];
    private static ReadOnlySpan<byte> RootNamespace => [0xa1, (byte)'/'];
    private static ReadOnlySpan<byte> Undefined => [0xd4, 0x00, 0x00];

    /// <summary>
    /// A parser with the default options: objects through their JSON contract with the JSON parser's defaults
    /// (<see cref="JsonSocketIOParser.CreateSerializerOptions"/>: camelCase, enums as numbers, fields included, required
    /// members enforced; types by reflection when the app allows it).
    /// </summary>
    public MessagePackSocketIOParser()
        : this((JsonSerializerOptions?)null)
    {
    }

    /// <summary>
    /// A parser whose objects travel as their JSON contract under <paramref name="options"/> (copied; null for the
    /// defaults of <see cref="JsonSocketIOParser.CreateSerializerOptions"/>). Pass the options the JSON parser gets
    /// (on the server <c>o.Parser = new MessagePackSocketIOParser(o.JsonSerializerOptions)</c>) and both parsers put
    /// the same names and forms on the wire. Metadata comes from the options' resolvers as for
    /// <see cref="JsonSocketIOParser(JsonSerializerOptions)"/>.
    /// </summary>
    public MessagePackSocketIOParser(JsonSerializerOptions? options)
        : this(MessagePackObjectMapping.JsonContract, JsonMetadata.CreateParserOptions(options), null)
    {
    }

    /// <summary>
    /// A parser with the default options whose object types come from <paramref name="typeInfoResolver"/>, typically the
    /// app's source-generated <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>: the way to use the
    /// parser under Native AOT and trimming.
    /// </summary>
    public MessagePackSocketIOParser(IJsonTypeInfoResolver typeInfoResolver)
        : this(WithResolver(typeInfoResolver))
    {
    }

    /// <summary>
    /// A parser with the default options and the given object mapping. <see cref="MessagePackObjectMapping.MessagePackResolver"/>
    /// uses <see cref="ContractlessStandardResolver"/> (attributed types as their attributes say, other public types as
    /// maps keyed by C# member name) with <see cref="MessagePackSecurity.UntrustedData"/>; under Native AOT that resolver
    /// cannot build formatters and a type it would have handled fails with a <see cref="NotSupportedException"/> naming it.
    /// </summary>
    public MessagePackSocketIOParser(MessagePackObjectMapping mapping)
        : this(mapping, JsonMetadata.CreateParserOptions(null), null)
    {
    }

    /// <summary>
    /// A parser mapping objects with MessagePack-CSharp and <paramref name="options"/>
    /// (<see cref="MessagePackObjectMapping.MessagePackResolver"/>: its resolver and security settings; for AOT pass a
    /// resolver made of source-generated formatters and <see cref="StandardResolver"/>). The parser adds
    /// <see cref="SocketIOMessagePackResolver"/> in front of the resolver and turns compression off (the JS side
    /// does not compress).
    /// </summary>
    public MessagePackSocketIOParser(MessagePackSerializerOptions options)
        : this(MessagePackObjectMapping.MessagePackResolver, JsonMetadata.CreateParserOptions(null), options ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    private MessagePackSocketIOParser(MessagePackObjectMapping mapping, JsonSerializerOptions jsonOptions, MessagePackSerializerOptions? options)
    {
        if (mapping is not (MessagePackObjectMapping.JsonContract or MessagePackObjectMapping.MessagePackResolver))
        {
            throw new ArgumentOutOfRangeException(nameof(mapping), mapping, "Unknown object mapping.");
        }

        ObjectMapping = mapping;
        JsonSerializerOptions = jsonOptions;
        var baseOptions = options ?? MessagePackSerializerOptions.Standard
            .WithResolver(ContractlessStandardResolver.Instance)
            .WithSecurity(MessagePackSecurity.UntrustedData);
        SerializerOptions = baseOptions
            .WithResolver(CompositeResolver.Create(SocketIOMessagePackResolver.Instance, new AheadOfTimeFormatterGuard(baseOptions.Resolver)))
            .WithCompression(MessagePackCompression.None)
            .WithOldSpec(false);
    }

    private static JsonSerializerOptions WithResolver(IJsonTypeInfoResolver typeInfoResolver)
    {
        ArgumentNullException.ThrowIfNull(typeInfoResolver);
        var options = JsonSocketIOParser.CreateSerializerOptions();
        options.TypeInfoResolverChain.Add(typeInfoResolver);
        return options;
    }

    /// <summary>The shared default instance.</summary>
    public static MessagePackSocketIOParser Default { get; } = new();

    /// <summary>"msgpack", as logs name it.</summary>
    public override string Name => "msgpack";

    /// <summary>How object types are mapped to msgpack.</summary>
    public MessagePackObjectMapping ObjectMapping { get; }

    /// <summary>
    /// The options object arguments are (de)serialized with under <see cref="MessagePackObjectMapping.JsonContract"/>
    /// (read-only; the app's resolvers, then the library's metadata).
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; }

    /// <summary>The MessagePack-CSharp options used under <see cref="MessagePackObjectMapping.MessagePackResolver"/>.</summary>
    public MessagePackSerializerOptions SerializerOptions { get; }

    internal bool UsesJsonContract => ObjectMapping == MessagePackObjectMapping.JsonContract;

    /// <summary>A decoder; <paramref name="maxAttachments"/> does not apply (binary travels inline).</summary>
    public override SocketIODecoder CreateDecoder(int maxAttachments = SocketIODecoder.DefaultMaxAttachments) =>
        new MessagePackSocketIODecoder(this);

    /// <summary>The typed writer: arguments written with MessagePackWriter into a pooled buffer, nothing allocated per packet.</summary>
    public override SocketIOPacketWriter RentPacketWriter() => MessagePackSocketIOPacketWriter.Rent(this);

    // Keys are written in the order socket.io 4.8 creates them, so our packets are byte for byte the Node server's.
    /// <inheritdoc/>
    public override EncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long ackId = -1)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        var state = RentState();
        try
        {
            var writer = state.CreateWriter();
            writer.WriteMapHeader(ackId >= 0 ? 4 : 3);
            WriteType(ref writer, SocketIOPacketType.Event);
            writer.WriteRaw(DataKey);
            writer.WriteArrayHeader(args.Length + 1);
            writer.Write(eventName);
            WriteArguments(ref writer, args);
            if (ackId >= 0)
            {
                WriteId(ref writer, ackId);
            }

            WriteNamespace(ref writer, nsp);
            return state.Build(ref writer);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <inheritdoc/>
    public override EncodedPacket EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ackId);
        var state = RentState();
        try
        {
            var writer = state.CreateWriter();
            writer.WriteMapHeader(4);
            WriteId(ref writer, ackId);
            WriteType(ref writer, SocketIOPacketType.Ack);
            writer.WriteRaw(DataKey);
            writer.WriteArrayHeader(args.Length);
            WriteArguments(ref writer, args);
            WriteNamespace(ref writer, nsp);
            return state.Build(ref writer);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <summary><c>{type:0, data:{sid, pid}, nsp}</c>; a null pid is written as JS undefined (<c>d4 00 00</c>) as socket.io does.</summary>
    public override EncodedPacket EncodeConnect(string nsp, string sid, string? pid)
    {
        var state = RentState();
        try
        {
            var writer = state.CreateWriter();
            writer.WriteMapHeader(3);
            WriteType(ref writer, SocketIOPacketType.Connect);
            writer.WriteRaw(DataKey);
            writer.WriteMapHeader(2);
            writer.WriteRaw(SidKey);
            writer.Write(sid);
            writer.WriteRaw(PidKey);
            if (pid is null)
            {
                WriteUndefined(ref writer);
            }
            else
            {
                writer.Write(pid);
            }

            WriteNamespace(ref writer, nsp);
            return state.Build(ref writer);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <summary><c>{type:0, data, nsp}</c>; without auth data is JS undefined, as socket.io-client writes it.</summary>
    public override EncodedPacket EncodeClientConnect(string nsp, object? auth)
    {
        var state = RentState();
        try
        {
            var writer = state.CreateWriter();
            writer.WriteMapHeader(3);
            WriteType(ref writer, SocketIOPacketType.Connect);
            writer.WriteRaw(DataKey);
            if (auth is null)
            {
                WriteUndefined(ref writer);
            }
            else
            {
                WriteValue(ref writer, auth);
            }

            WriteNamespace(ref writer, nsp);
            return state.Build(ref writer);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <summary>
    /// <c>{type:0, data:{pid, offset, ...auth}, nsp}</c>, as socket.io-client asks for connection state recovery: the
    /// auth's own members follow, as its msgpack map (its <c>pid</c>/<c>offset</c> entries, if any, are left out).
    /// A null offset is written as JS undefined.
    /// </summary>
    public override EncodedPacket EncodeClientConnect(string nsp, object? auth, string? pid, string? offset)
    {
        if (pid is null)
        {
            return EncodeClientConnect(nsp, auth);
        }

        var authBytes = auth is null ? [] : SerializeValue(auth);
        var members = new List<(int Start, int End)>();
        if (authBytes.Length > 0)
        {
            var span = authBytes.AsSpan();
            var map = MessagePackToken.Read(span, 0);
            if (map.Kind == MessagePackTokenKind.Map)
            {
                var pos = map.HeaderSize;
                for (long i = 0; i < map.Length; i++)
                {
                    var valueAt = MessagePackScanner.End(span, pos);
                    var end = MessagePackScanner.End(span, valueAt);
                    var key = MessagePackSocketIODecoder.ReadString(span, pos);
                    if (key is not ("pid" or "offset"))
                    {
                        members.Add((pos, end));
                    }

                    pos = end;
                }
            }
        }

        var state = RentState();
        try
        {
            var writer = state.CreateWriter();
            writer.WriteMapHeader(3);
            WriteType(ref writer, SocketIOPacketType.Connect);
            writer.WriteRaw(DataKey);
            writer.WriteMapHeader(2 + members.Count);
            writer.WriteRaw(PidKey);
            writer.Write(pid);
            writer.Write("offset");
            if (offset is null)
            {
                WriteUndefined(ref writer);
            }
            else
            {
                writer.Write(offset);
            }

            foreach (var (start, end) in members)
            {
                writer.WriteRaw(authBytes.AsSpan(start, end - start));
            }

            WriteNamespace(ref writer, nsp);
            return state.Build(ref writer);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <summary><c>{type:4, data:{message, data?}, nsp}</c> (data left out when null).</summary>
    public override EncodedPacket EncodeConnectError(string nsp, string message, object? data)
    {
        var state = RentState();
        try
        {
            var writer = state.CreateWriter();
            writer.WriteMapHeader(3);
            WriteType(ref writer, SocketIOPacketType.ConnectError);
            writer.WriteRaw(DataKey);
            writer.WriteMapHeader(data is null ? 1 : 2);
            writer.WriteRaw(MessageKey);
            writer.Write(message);
            if (data is not null)
            {
                writer.WriteRaw(DataKey);
                WriteValue(ref writer, data);
            }

            WriteNamespace(ref writer, nsp);
            return state.Build(ref writer);
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <summary><c>{type:1, nsp}</c>.</summary>
    public override EncodedPacket EncodeDisconnect(string nsp)
    {
        var state = RentState();
        try
        {
            var writer = state.CreateWriter();
            writer.WriteMapHeader(2);
            WriteType(ref writer, SocketIOPacketType.Disconnect);
            WriteNamespace(ref writer, nsp);
            return state.Build(ref writer);
        }
        finally
        {
            ReturnState(state);
        }
    }

    internal static void WriteType(ref MessagePackWriter writer, SocketIOPacketType type)
    {
        writer.WriteRaw(TypeKey);
        writer.Write((byte)type);
    }

    internal static void WriteId(ref MessagePackWriter writer, long ackId)
    {
        writer.WriteRaw(IdKey);
        writer.Write(ackId);
    }

    internal static void WriteNamespace(ref MessagePackWriter writer, string nsp)
    {
        writer.WriteRaw(NspKey);
        // Written as given: unlike the JSON form, msgpack distinguishes "" from "/" (socket.io answers a CONNECT to ""
        // with "Invalid namespace" in namespace "", and so do we).
        if (nsp == "/")
        {
            writer.WriteRaw(RootNamespace);
        }
        else
        {
            writer.Write(nsp);
        }
    }

    internal static void WriteUndefined(ref MessagePackWriter writer) => writer.WriteRaw(Undefined);

    private void WriteArguments(ref MessagePackWriter writer, ReadOnlySpan<object?> args)
    {
        foreach (var arg in args)
        {
            WriteValue(ref writer, arg);
        }
    }

    private void WriteValue(ref MessagePackWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNil();
                break;
            case string s:
                writer.Write(s);
                break;
            case int n:
                writer.Write(n);
                break;
            case long n:
                writer.Write(n);
                break;
            case double d:
                SocketIOMessagePackResolver.WriteNumber(ref writer, d);
                break;
            case bool b:
                writer.Write(b);
                break;
            case byte[] bytes:
                writer.Write(bytes.AsSpan());
                break;
            case MessagePackRawValue raw:
                writer.WriteRaw(raw.Bytes.Span);
                break;
            case JsonElement element:
                MessagePackJson.WriteMessagePack(ref writer, element);
                break;
            case JsonWithAttachments withAttachments:
                WriteJsonWithAttachments(ref writer, withAttachments.Element, withAttachments.Attachments);
                break;
            default:
                if (UsesJsonContract)
                {
                    MessagePackJsonContract.Write(ref writer, value, JsonMetadata.Get(JsonSerializerOptions, value.GetType()));
                }
                else
                {
                    MessagePackSerializer.Serialize(value.GetType(), ref writer, value, SerializerOptions);
                }

                break;
        }
    }

    /// <summary>Writes a typed value: through its JSON contract or with MessagePack-CSharp, as <see cref="ObjectMapping"/> says.</summary>
    internal void WriteValue<T>(ref MessagePackWriter writer, T value)
    {
        if (!UsesJsonContract)
        {
            MessagePackSerializer.Serialize(ref writer, value, SerializerOptions);
        }
        else if (value is MessagePackRawValue raw)
        {
            writer.WriteRaw(raw.Bytes.Span);
        }
        else
        {
            MessagePackJsonContract.Write(ref writer, value, JsonMetadata.Get<T>(JsonSerializerOptions));
        }
    }

    private byte[] SerializeValue(object value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer) { OldSpec = false };
        WriteValue(ref writer, value);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    // A value received by the JSON parser, forwarded here: its placeholders become inline bin.
    private static void WriteJsonWithAttachments(ref MessagePackWriter writer, JsonElement element, IReadOnlyList<byte[]> attachments)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when JsonPlaceholders.TryGetPlaceholder(element, out var num) && num < attachments.Count:
                writer.Write(attachments[num].AsSpan());
                return;
            case JsonValueKind.Object:
                var count = 0;
                foreach (var unused in element.EnumerateObject())
                {
                    count++;
                }

                writer.WriteMapHeader(count);
                foreach (var property in element.EnumerateObject())
                {
                    writer.Write(property.Name);
                    WriteJsonWithAttachments(ref writer, property.Value, attachments);
                }

                return;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    WriteJsonWithAttachments(ref writer, item, attachments);
                }

                return;
            default:
                MessagePackJson.WriteMessagePack(ref writer, element);
                return;
        }
    }

    private static EncoderState RentState()
    {
        var state = t_state;
        if (state is null || state.InUse)
        {
            state = new EncoderState();
            t_state ??= state;
        }

        state.InUse = true;
        state.Buffer.Clear();
        return state;
    }

    private static void ReturnState(EncoderState state)
    {
        state.Buffer.Reset();
        state.InUse = false;
    }

    /// <summary>The per-thread buffer packets are written into before being copied out to their own array.</summary>
    private sealed class EncoderState
    {
        public PooledByteBufferWriter Buffer { get; } = new();

        public bool InUse { get; set; }

        public MessagePackWriter CreateWriter() => new(Buffer) { OldSpec = false };

        public EncodedPacket Build(ref MessagePackWriter writer)
        {
            writer.Flush();
            return new EncodedPacket(Buffer.WrittenSpan.ToArray(), payloadIsBinary: true);
        }
    }
}
