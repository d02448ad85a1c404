namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>How the msgpack parser maps the app's object types (records, classes, structs, enums, dates) to msgpack.</summary>
public enum MessagePackObjectMapping
{
    /// <summary>
    /// The default: the System.Text.Json contract of a type is its wire shape, exactly as with the JSON parser (member
    /// names and naming policy, <c>[JsonPropertyName]</c>, <c>[JsonIgnore]</c>, converters, enum form, required members,
    /// fields), written as natural msgpack (maps with string keys, integers, float64, strings, arrays, nil); binary as
    /// bin; dates as ISO 8601 strings. A member's <c>[Key("name")]</c> is honoured as its wire name.
    /// </summary>
    JsonContract,

    /// <summary>
    /// MessagePack-CSharp's resolvers, as in earlier versions: <c>[MessagePackObject]</c>/<c>[Key]</c> as the attributes
    /// say (integer keys as arrays), other public types as maps keyed by C# member name (PascalCase); dates as JS Dates.
    /// For apps that rely on MessagePack-CSharp attributes or formatters.
    /// </summary>
    MessagePackResolver,
}
