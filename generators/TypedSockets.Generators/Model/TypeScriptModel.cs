namespace TypedSockets.Generators.Model;

/// <summary>One [SocketEvents] interface as the TypeScript emitter needs it: its event map and every type it reaches.</summary>
/// <param name="CSharpName">The interface's full C# name (for comments, sorting and messages).</param>
/// <param name="MapName">The TypeScript event map's name: the interface name without its leading I, plus <c>Events</c>.</param>
/// <param name="Events">The events in declaration order (an acknowledgement that is a stream left out, see <see cref="Diagnostics"/>).</param>
/// <param name="Types">The DTOs and enums the events reach, each once.</param>
/// <param name="Diagnostics">What cannot be expressed in TypeScript (reported only when TypeScript output is on).</param>
internal sealed record TypeScriptContractModel(
    string CSharpName,
    string MapName,
    EquatableArray<TypeScriptEventModel> Events,
    EquatableArray<TypeScriptTypeModel> Types,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>One event: its wire name, its wire parameters, and the acknowledgement's type (null: not acknowledged).</summary>
/// <param name="ResultStream">The item type of a result stream (<c>IAsyncEnumerable&lt;T&gt;</c> or <c>ChannelReader&lt;T&gt;</c> returned), else null.</param>
/// <param name="StreamDiagnostic">For an event that streams (a result or an argument): the TSG0029 reported when the contract is
/// a pair's client contract (the page would have to serve the stream), else null.</param>
internal sealed record TypeScriptEventModel(
    string WireName,
    EquatableArray<TypeScriptMemberModel> Parameters,
    string? Ack,
    string? ResultStream = null,
    DiagnosticInfo? StreamDiagnostic = null);

/// <summary>
/// A parameter of an event, a property of a DTO or a member of an enum. <see cref="Type"/> is a TypeScript type
/// expression (an enum member's value for enums).
/// </summary>
/// <param name="Name">The C# name, or the wire name when <paramref name="IsWireName"/>.</param>
/// <param name="IsWireName">True when the name is fixed ([JsonPropertyName], [JsonStringEnumMemberName]); otherwise the naming policy applies to DTO properties.</param>
/// <param name="Optional">May be absent: a parameter with a C# default, a property the serializer leaves out when null or default.</param>
internal sealed record TypeScriptMemberModel(string Name, bool IsWireName, string Type, bool Optional);

/// <summary>A declared TypeScript type: a DTO interface, a numeric enum or a string-enum union.</summary>
/// <param name="Key">The C# metadata name of the (generic) definition: one declaration per key.</param>
/// <param name="Name">The TypeScript name (the C# name, containing types joined with '_').</param>
/// <param name="CSharpName">The C# name for comments and messages.</param>
/// <param name="TypeParameters">Type parameter names of a generic DTO (<c>Page&lt;T&gt;</c>).</param>
/// <param name="Extends">The TypeScript base type of a DTO deriving from another DTO, else null.</param>
internal sealed record TypeScriptTypeModel(
    string Key,
    string Name,
    string CSharpName,
    TypeScriptTypeKind Kind,
    EquatableArray<string> TypeParameters,
    string? Extends,
    EquatableArray<TypeScriptMemberModel> Members);

internal enum TypeScriptTypeKind
{
    Interface,
    NumberEnum,
    StringEnum,
}

/// <summary>An <c>[assembly: SocketContractPair(name, server, client)]</c>, with the event map names of its contracts.</summary>
internal sealed record TypeScriptPairModel(string Name, string ServerMapName, string ClientMapName);

/// <summary>What the TypeScript output of a compilation depends on besides the contracts.</summary>
/// <param name="Enabled">True when the project sets <c>TypedSocketsTypeScriptOutput</c>.</param>
/// <param name="NamingPolicy">The DTO property naming policy (<see cref="TypeScriptNaming"/> names).</param>
internal sealed record TypeScriptOptionsModel(bool Enabled, string NamingPolicy, string AssemblyName);

/// <summary>A diagnostic kept as values so pipeline models stay equatable.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments);

/// <summary>A source location kept as values.</summary>
internal sealed record LocationInfo(string FilePath, int Start, int Length, int StartLine, int StartCharacter, int EndLine, int EndCharacter);
