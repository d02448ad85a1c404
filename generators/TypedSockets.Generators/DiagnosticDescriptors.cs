using Microsoft.CodeAnalysis;

namespace TypedSockets.Generators;

/// <summary>Every diagnostic of TypedSockets (documented in docs/diagnostics.md, tracked in AnalyzerReleases.*.md).</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "TypedSockets";

    public static readonly DiagnosticDescriptor InvalidContractType = new(
        "TSG0001", "Socket contract must be an accessible, non-generic interface",
        "'{0}' cannot be a socket contract: {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GenericMethod = new(
        "TSG0002", "Socket events cannot be generic methods",
        "Event method '{0}' is generic: the wire types of an event must be fixed",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ByRefParameter = new(
        "TSG0003", "Socket event parameters cannot be ref, out, in or params",
        "Parameter '{0}' of event method '{1}' is '{2}': event arguments are values sent over the wire",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedReturnType = new(
        "TSG0004", "Unsupported socket event return type",
        "Event method '{0}' returns '{1}': use void, Task or ValueTask (no acknowledgement) or Task<T> / ValueTask<T> (waits for the acknowledgement)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateEventName = new(
        "TSG0005", "Duplicate socket event name",
        "Event name \"{0}\" of method '{1}' is already used by method '{2}'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ReservedEventName = new(
        "TSG0006", "Reserved socket event name",
        "Event name \"{0}\" of method '{1}' is reserved by Socket.IO (connect, connect_error, disconnect, disconnecting, newListener, removeListener): rename the method or use [SocketEvent(\"...\")]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor OverloadedMethod = new(
        "TSG0007", "Socket events cannot be overloaded",
        "Method '{0}' is overloaded: each event is one method, give the overloads distinct names",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NonMethodMember = new(
        "TSG0008", "Socket contracts contain only methods",
        "'{0}' is {1}: a socket contract declares events as methods only",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor CancellationTokenNotLast = new(
        "TSG0009", "CancellationToken must be the last parameter",
        "Parameter '{0}' of event method '{1}' is a CancellationToken but not the last parameter: only a single trailing CancellationToken is allowed (it is not sent)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidEventName = new(
        "TSG0010", "Invalid socket event name",
        "[SocketEvent] on method '{0}' must name the event with a non-empty string",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor HubDoesNotImplementServer = new(
        "TSG0011", "Socket hub must implement its server contract",
        "Hub '{0}' derives from SocketHub<{1}, {2}> but does not implement '{1}'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnserializableType = new(
        "TSG0012", "Type cannot travel as a socket event argument",
        "{0} of event method '{1}' has type '{2}', which the serializer cannot handle: {3}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor HubContractNotSocketEvents = new(
        "TSG0013", "Socket hub type argument is not a [SocketEvents] interface",
        "Hub '{0}' uses '{1}', which is not an interface marked [SocketEvents]: it has no generated emitter or dispatcher",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor StreamingNotSupported = new(
        "TSG0014", "Unsupported stream shape in a socket event",
        "{0} of event method '{1}' holds a stream ('{2}') in a shape that cannot travel: a stream must be the parameter or return type itself, declared exactly as IAsyncEnumerable<T> or ChannelReader<T>",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidStreamMethod = new(
        "TSG0017", "Invalid streaming socket event",
        "Event method '{0}' {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ReservedStreamEventName = new(
        "TSG0018", "Reserved stream event name",
        "Event name \"{0}\" of method '{1}' starts with \"$stream:\", the prefix of the stream protocol's events: use another name",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TupleType = new(
        "TSG0015", "Tuples cannot travel in socket events",
        "{0} of event method '{1}' has type '{2}', which holds the tuple '{3}': tuple element names do not exist at run time, so it would travel as {{\"item1\": ..., \"item2\": ...}} (or as {{}} without IncludeFields); use a record",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TypeScriptUnexpressibleType = new(
        "TSG0026", "Type cannot be expressed in TypeScript",
        "'{0}' ({1}) cannot be expressed in TypeScript: {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidContractPair = new(
        "TSG0027", "Invalid SocketContractPair",
        "SocketContractPair is invalid: {0}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TypeScriptNameCollision = new(
        "TSG0028", "Two types get the same TypeScript name",
        "The TypeScript name '{0}' is taken by '{1}' and also wanted by '{2}': rename one (TypeScript names are the C# names without namespaces)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TypeScriptStreamingNotTyped = new(
        "TSG0029", "A client contract's streaming method has no TypeScript form",
        "Event \"{0}\" (method '{1}') streams '{2}': the server calling a stream on a socket.io-client page is not supported (the page's stream helper consumes and produces only the page's own calls), the event is left out of the TypeScript file",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    /// <summary>The TypeScript descriptors by id (the generator reports them from equatable models).</summary>
    public static DiagnosticDescriptor ById(string id) => id switch
    {
        "TSG0026" => TypeScriptUnexpressibleType,
        "TSG0027" => InvalidContractPair,
        "TSG0028" => TypeScriptNameCollision,
        _ => TypeScriptStreamingNotTyped,
    };
}
