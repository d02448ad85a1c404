namespace TypedSockets.Generators.Model;

/// <summary>One valid [SocketEvents] interface, as the emitter needs it: strings and primitives only.</summary>
/// <param name="Namespace">The interface's namespace, null for the global one.</param>
/// <param name="InterfaceType">The interface, <c>global::</c>-qualified.</param>
/// <param name="GeneratedName">The base name of the generated types: the interface's name with its containing types, distinct for distinct interfaces of one namespace.</param>
/// <param name="IsPublic">Whether the interface is visible outside its assembly (the extension class follows it).</param>
/// <param name="HintName">The generated file's hint name.</param>
internal sealed record ContractModel(
    string? Namespace,
    string InterfaceType,
    string GeneratedName,
    bool IsPublic,
    string HintName,
    EquatableArray<EventModel> Events);

/// <summary>One event (one method of the interface).</summary>
/// <param name="MethodName">The C# method name.</param>
/// <param name="WireName">The event name on the wire.</param>
/// <param name="ReturnType">The method's return type as written in the interface (<c>global::</c>-qualified).</param>
/// <param name="Returns">What the method returns: nothing, a task, or an acknowledged value.</param>
/// <param name="Result">The acknowledged value (for <see cref="ReturnKind.TaskOfT"/> / <see cref="ReturnKind.ValueTaskOfT"/>).</param>
/// <param name="DeclaringType">The interface declaring the method (the contract or one of its bases), <c>global::</c>-qualified: the emitter implements it explicitly.</param>
internal sealed record EventModel(
    string MethodName,
    string WireName,
    string ReturnType,
    ReturnKind Returns,
    ValueModel? Result,
    EquatableArray<ParameterModel> Parameters,
    string DeclaringType);

/// <summary>A method parameter.</summary>
/// <param name="Name">The parameter name, escaped with <c>@</c> when it is a keyword.</param>
/// <param name="DefaultValue">The declared default as a C# expression (<c>5</c>, <c>null</c>, <c>(global::E)(1)</c>), null when the parameter is required.</param>
internal sealed record ParameterModel(string Name, ValueModel Value, string? DefaultValue = null);

/// <summary>
/// A value on the wire: its C# type (with nullable annotations), how it is written, whether it is a reference type, and
/// whether a parameter of it takes null (<c>T?</c>, or an oblivious reference type): the dispatcher refuses a missing or
/// null argument for one that does not.
/// </summary>
/// <param name="ElementType">The item type of a stream (<see cref="ValueKind.AsyncEnumerable"/>, <see cref="ValueKind.ChannelReader"/>), else null.</param>
internal sealed record ValueModel(string Type, ValueKind Kind, bool IsReferenceType, string? ElementType = null, bool AcceptsNull = false);

internal enum ReturnKind
{
    Void,
    Task,
    ValueTask,
    TaskOfT,
    ValueTaskOfT,

    /// <summary>IAsyncEnumerable&lt;T&gt;: the peer streams the items (Result is the item).</summary>
    AsyncEnumerable,

    /// <summary>ChannelReader&lt;T&gt;: the peer streams the items (Result is the item).</summary>
    ChannelReader,
}

internal enum ValueKind
{
    Serialized,
    String,
    Boolean,
    Int32,
    Int64,
    Double,
    ByteArray,
    ReadOnlyMemoryOfByte,
    MemoryOfByte,
    CancellationToken,
    AsyncEnumerable,
    ChannelReader,
}
