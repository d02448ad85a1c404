using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using TypedSockets.Generators.Model;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Generators;

/// <summary>
/// The only code that reads symbols: validates [SocketEvents] interfaces and hubs (for the analyzer) and turns a valid
/// interface into a <see cref="ContractModel"/> (for the generator).
/// </summary>
internal static class Parser
{
    public const string SocketEventsAttribute = "TypedSockets.SocketEventsAttribute";
    public const string SocketEventAttribute = "TypedSockets.SocketEventAttribute";
    public const string SocketHubMetadataName = "TypedSockets.Server.SocketHub`2";


    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Receives a problem found by validation.</summary>
    public delegate void Reporter(DiagnosticDescriptor descriptor, ISymbol? location, params object[] args);

    public const string ModuleInitializerAttribute = "System.Runtime.CompilerServices.ModuleInitializerAttribute";

    /// <summary>
    /// True when no <c>ModuleInitializerAttribute</c> is visible to <paramref name="compilation"/> (netstandard2.x,
    /// .NET Framework, Unity): the generator then adds an internal one so the generated registration compiles there.
    /// </summary>
    public static bool LacksModuleInitializerAttribute(Compilation compilation)
    {
        foreach (var type in compilation.GetTypesByMetadataName(ModuleInitializerAttribute))
        {
            if (compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The model of a valid contract; null when validation finds any error (the analyzer reports them).</summary>
    public static ContractModel? Parse(INamedTypeSymbol contract, CancellationToken cancellationToken)
    {
        var errors = 0;
        Validate(contract, (_, _, _) => errors++, cancellationToken);
        if (errors > 0)
        {
            return null;
        }

        var events = new List<EventModel>();
        foreach (var method in GetEventMethods(contract))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var parameters = method.Parameters
                .Select(p => new ParameterModel(EscapeIdentifier(p.Name), ToValue(p.Type), GetDefaultValue(p)))
                .ToArray();
            var returns = GetStreamKind(method.ReturnType, out var streamItem) switch
            {
                ValueKind.AsyncEnumerable => ReturnKind.AsyncEnumerable,
                ValueKind.ChannelReader => ReturnKind.ChannelReader,
                _ => GetReturnKind(method.ReturnType, out streamItem),
            };
            var resultType = streamItem;
            events.Add(new EventModel(
                EscapeIdentifier(method.Name),
                GetWireName(method)!,
                method.ReturnType.ToDisplayString(s_typeFormat),
                returns!.Value,
                resultType is null ? null : ToValue(resultType),
                new EquatableArray<ParameterModel>(parameters),
                method.ContainingType.ToDisplayString(s_typeFormat)));
        }

        var ns = contract.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        var typeName = contract.ToDisplayString(s_typeFormat);
        var generatedName = GetGeneratedName(contract);
        var hintName = typeName.Replace("global::", string.Empty) + ".SocketEvents.g.cs";
        return new ContractModel(ns, typeName, generatedName, IsPublic(contract), hintName, new EquatableArray<EventModel>(events.ToArray()));
    }

    /// <summary>Checks a [SocketEvents] interface; every problem goes to <paramref name="report"/>.</summary>
    public static void Validate(INamedTypeSymbol contract, Reporter report, CancellationToken cancellationToken)
    {
        if (contract.TypeKind != TypeKind.Interface)
        {
            report(DiagnosticDescriptors.InvalidContractType, contract, contract.Name, "only interfaces can be socket contracts");
            return;
        }

        if (contract.TypeParameters.Length > 0)
        {
            report(DiagnosticDescriptors.InvalidContractType, contract, contract.Name, "generic interfaces are not supported");
        }
        else if (contract.IsGenericType)
        {
            // Not generic itself, but a type containing it is: the generated code would need its type arguments.
            var generic = contract.ContainingType;
            while (generic is not null && generic.TypeParameters.Length == 0)
            {
                generic = generic.ContainingType;
            }

            report(
                DiagnosticDescriptors.InvalidContractType,
                contract,
                contract.Name,
                "it is nested in the generic type '" + generic?.ToDisplayString() + "', which the generated code cannot name (move the interface out of it)");
        }

        if (!IsAccessibleInAssembly(contract))
        {
            report(DiagnosticDescriptors.InvalidContractType, contract, contract.Name, "it must be public or internal (and so must every type containing it) for the generated code to use it");
        }

        var byName = new Dictionary<string, IMethodSymbol>(StringComparer.Ordinal);
        var methodNames = new HashSet<string>(StringComparer.Ordinal);
        var overloaded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in GetAllMembers(contract))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (member)
            {
                case IMethodSymbol { MethodKind: MethodKind.Ordinary } method when IsEvent(method):
                    if (!methodNames.Add(method.Name) && overloaded.Add(method.Name))
                    {
                        report(DiagnosticDescriptors.OverloadedMethod, method, method.Name);
                    }

                    ValidateMethod(method, byName, report);
                    break;
                case IMethodSymbol:
                    // Accessors of properties and events are reported on the property or event; static members and
                    // methods with a body (default interface methods) are not events: the emitter inherits the body.
                    break;
                case IPropertySymbol property when !property.IsStatic:
                    report(DiagnosticDescriptors.NonMethodMember, property, property.IsIndexer ? IndexerDisplay(property) : property.Name, property.IsIndexer ? "an indexer" : "a property");
                    break;
                case IEventSymbol evt when !evt.IsStatic:
                    report(DiagnosticDescriptors.NonMethodMember, evt, evt.Name, "an event");
                    break;
            }
        }
    }

    /// <summary>An indexer as declared: <c>this[int index, string key]</c>.</summary>
    private static string IndexerDisplay(IPropertySymbol indexer) =>
        "this[" + string.Join(", ", indexer.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + p.Name)) + "]";

    private static void ValidateMethod(IMethodSymbol method, Dictionary<string, IMethodSymbol> byName, Reporter report)
    {
        if (method.IsGenericMethod)
        {
            report(DiagnosticDescriptors.GenericMethod, method, method.Name);
        }

        var returnsStream = GetStreamKind(method.ReturnType, out var returnItem) is not null;
        if (returnsStream)
        {
            ValidateStreamItem(method, returnItem!, "The stream items", method.ReturnType, report);
        }
        else if (IsStream(method.ReturnType) || ContainsStream(method.ReturnType))
        {
            report(DiagnosticDescriptors.StreamingNotSupported, method, "The return value", method.Name, method.ReturnType.ToDisplayString());
        }
        else if (GetReturnKind(method.ReturnType, out var resultType) is null || method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            report(DiagnosticDescriptors.UnsupportedReturnType, method, method.Name, method.ReturnType.ToDisplayString());
        }
        else if (resultType is not null && (IsStream(resultType) || ContainsStream(resultType)))
        {
            report(DiagnosticDescriptors.StreamingNotSupported, method, "The acknowledgement", method.Name, resultType.ToDisplayString());
        }
        else if (resultType is not null && GetUnserializableReason(resultType) is { } resultReason)
        {
            report(DiagnosticDescriptors.UnserializableType, method, "The acknowledgement", method.Name, resultType.ToDisplayString(), resultReason);
        }
        else if (resultType is not null && FindTuple(resultType) is { } resultTuple)
        {
            report(DiagnosticDescriptors.TupleType, method, "The acknowledgement", method.Name, resultType.ToDisplayString(), resultTuple.ToDisplayString());
        }

        var streamParameters = 0;
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            if (parameter.RefKind != RefKind.None || parameter.IsParams)
            {
                var kind = parameter.IsParams ? "params" : parameter.RefKind switch
                {
                    RefKind.Ref => "ref",
                    RefKind.Out => "out",
                    _ => "in",
                };
                report(DiagnosticDescriptors.ByRefParameter, parameter, parameter.Name, method.Name, kind);
            }

            if (IsCancellationToken(parameter.Type))
            {
                if (i != method.Parameters.Length - 1)
                {
                    report(DiagnosticDescriptors.CancellationTokenNotLast, parameter, parameter.Name, method.Name);
                }
            }
            else if (GetStreamKind(parameter.Type, out var item) is not null)
            {
                streamParameters++;
                ValidateStreamItem(parameter, item!, "The stream items of parameter '" + parameter.Name + "'", parameter.Type, report, method.Name);
            }
            else if (IsStream(parameter.Type) || ContainsStream(parameter.Type))
            {
                report(DiagnosticDescriptors.StreamingNotSupported, parameter, "Parameter '" + parameter.Name + "'", method.Name, parameter.Type.ToDisplayString());
            }
            else if (GetUnserializableReason(parameter.Type) is { } reason)
            {
                report(DiagnosticDescriptors.UnserializableType, parameter, "Parameter '" + parameter.Name + "'", method.Name, parameter.Type.ToDisplayString(), reason);
            }
            else if (FindTuple(parameter.Type) is { } tuple)
            {
                report(DiagnosticDescriptors.TupleType, parameter, "Parameter '" + parameter.Name + "'", method.Name, parameter.Type.ToDisplayString(), tuple.ToDisplayString());
            }
        }

        if (streamParameters > 0 && returnsStream)
        {
            report(DiagnosticDescriptors.InvalidStreamMethod, method, method.Name, "both takes and returns a stream: a call streams in one direction (split it into two events)");
        }
        else if (streamParameters > 0 && method.ReturnsVoid)
        {
            report(DiagnosticDescriptors.InvalidStreamMethod, method, method.Name, "takes a stream but returns void: return Task, ValueTask, Task<T> or ValueTask<T>, so the stream stays open until the handler's task completes");
        }

        var wireName = GetWireName(method);
        if (wireName is null)
        {
            report(DiagnosticDescriptors.InvalidEventName, method, method.Name);
            return;
        }

        if (wireName.StartsWith(StreamEventPrefix, StringComparison.Ordinal))
        {
            report(DiagnosticDescriptors.ReservedStreamEventName, method, wireName, method.Name);
        }

        if (SocketIOReservedEvents.IsReserved(wireName))
        {
            report(DiagnosticDescriptors.ReservedEventName, method, wireName, method.Name);
        }

        if (byName.TryGetValue(wireName, out var existing))
        {
            if (existing.Name != method.Name)
            {
                report(DiagnosticDescriptors.DuplicateEventName, method, wireName, method.Name, existing.Name);
            }
        }
        else
        {
            byName.Add(wireName, method);
        }
    }

    /// <summary>Checks a class deriving from SocketHub&lt;TServer, TClient&gt;.</summary>
    public static void ValidateHub(INamedTypeSymbol type, Reporter report)
    {
        if (type.TypeKind != TypeKind.Class)
        {
            return;
        }

        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            var definition = baseType.OriginalDefinition;
            if (definition.MetadataName != "SocketHub`2" || definition.ContainingNamespace?.ToDisplayString() != "TypedSockets.Server")
            {
                continue;
            }

            var server = baseType.TypeArguments[0];
            var client = baseType.TypeArguments[1];
            foreach (var contract in new[] { server, client })
            {
                if (contract is INamedTypeSymbol { TypeKind: TypeKind.Interface } named && HasSocketEvents(named))
                {
                    continue;
                }

                if (contract.TypeKind != TypeKind.TypeParameter)
                {
                    report(DiagnosticDescriptors.HubContractNotSocketEvents, type, type.Name, contract.ToDisplayString());
                }
            }

            if (!type.IsAbstract && server.TypeKind == TypeKind.Interface && !type.AllInterfaces.Contains((INamedTypeSymbol)server, SymbolEqualityComparer.Default))
            {
                report(DiagnosticDescriptors.HubDoesNotImplementServer, type, type.Name, server.ToDisplayString(), client.ToDisplayString());
            }

            return;
        }
    }

    public static bool HasSocketEvents(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == SocketEventsAttribute);

    private static IEnumerable<ISymbol> GetAllMembers(INamedTypeSymbol contract) =>
        contract.GetMembers().Concat(contract.AllInterfaces.SelectMany(i => i.GetMembers()));

    /// <summary>True for the names Socket.IO reserves (TSG0006).</summary>
    public static bool IsReservedName(string name) => SocketIOReservedEvents.IsReserved(name);

    /// <summary>The event methods of a contract, its base interfaces' included (also used by the code fixes).</summary>
    public static IEnumerable<IMethodSymbol> GetEventMethods(INamedTypeSymbol contract) =>
        GetAllMembers(contract).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary && IsEvent(m));

    /// <summary>
    /// An event is an abstract instance method. A method with a body (a default interface method) is a helper that
    /// runs on the emitter as written (typically calling events); it is neither sent nor dispatched (docs/diagnostics.md).
    /// </summary>
    private static bool IsEvent(IMethodSymbol method) => !method.IsStatic && method.IsAbstract;

    /// <summary>The wire name: [SocketEvent("name")], else the camelCase method name. Null when the attribute's name is invalid.</summary>
    public static string? GetWireName(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == SocketEventAttribute)
            {
                return attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string { Length: > 0 } name ? name : null;
            }
        }

        return ToCamelCase(method.Name);
    }

    /// <summary>camelCase as System.Text.Json's JsonNamingPolicy.CamelCase: "UserJoined" → "userJoined", "IOError" → "ioError".</summary>
    public static string ToCamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    private static ReturnKind? GetReturnKind(ITypeSymbol type, out ITypeSymbol? result)
    {
        result = null;
        if (type.SpecialType == SpecialType.System_Void)
        {
            return ReturnKind.Void;
        }

        if (type is not INamedTypeSymbol named || named.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
        {
            return null;
        }

        switch (named.MetadataName)
        {
            case "Task":
                return ReturnKind.Task;
            case "ValueTask":
                return ReturnKind.ValueTask;
            case "Task`1":
                result = named.TypeArguments[0];
                return ReturnKind.TaskOfT;
            case "ValueTask`1":
                result = named.TypeArguments[0];
                return ReturnKind.ValueTaskOfT;
            default:
                return null;
        }
    }

    /// <summary>The declared default of an optional parameter as a C# expression of its type; null when it has none.</summary>
    private static string? GetDefaultValue(IParameterSymbol parameter)
    {
        if (!parameter.HasExplicitDefaultValue)
        {
            return null;
        }

        var type = parameter.Type;
        var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
        var value = parameter.ExplicitDefaultValue;
        if (value is null)
        {
            return type.IsValueType && ReferenceEquals(underlying, type) ? "default(" + type.ToDisplayString(s_typeFormat) + ")" : "null";
        }

        var literal = FormatConstant(value);
        return underlying.TypeKind == TypeKind.Enum ? "(" + underlying.ToDisplayString(s_typeFormat) + ")(" + literal + ")" : literal;
    }

    /// <summary>A constant as a C# literal that keeps its type (suffixes and casts), culture-invariant.</summary>
    private static string FormatConstant(object value)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        switch (value)
        {
            case string s:
                return Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(s, quote: true);
            case char c:
                return Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(c, quote: true);
            case bool b:
                return b ? "true" : "false";
            case int i:
                return i.ToString(invariant);
            case uint ui:
                return ui.ToString(invariant) + "U";
            case long l:
                return l.ToString(invariant) + "L";
            case ulong ul:
                return ul.ToString(invariant) + "UL";
            case short sh:
                return "(short)(" + sh.ToString(invariant) + ")";
            case ushort ush:
                return "(ushort)" + ush.ToString(invariant);
            case byte by:
                return "(byte)" + by.ToString(invariant);
            case sbyte sb:
                return "(sbyte)(" + sb.ToString(invariant) + ")";
            case decimal m:
                return m.ToString(invariant) + "M";
            case float f:
                return float.IsNaN(f) ? "float.NaN"
                    : float.IsPositiveInfinity(f) ? "float.PositiveInfinity"
                    : float.IsNegativeInfinity(f) ? "float.NegativeInfinity"
                    : f.ToString("R", invariant) + "F";
            case double d:
                return double.IsNaN(d) ? "double.NaN"
                    : double.IsPositiveInfinity(d) ? "double.PositiveInfinity"
                    : double.IsNegativeInfinity(d) ? "double.NegativeInfinity"
                    : d.ToString("R", invariant) + "D";
            default:
                return System.Convert.ToString(value, invariant) ?? "default";
        }
    }

    private static ValueModel ToValue(ITypeSymbol type) =>
        GetStreamKind(type, out var item) is { } stream
            ? new(type.ToDisplayString(s_typeFormat), stream, type.IsReferenceType, item!.ToDisplayString(s_typeFormat), AcceptsNull(type))
            : new(type.ToDisplayString(s_typeFormat), GetValueKind(type), type.IsReferenceType, AcceptsNull: AcceptsNull(type));

    /// <summary>
    /// Whether a parameter of this type takes null: <c>T?</c> (reference or value type), or a reference type declared
    /// where nullable annotations are off (oblivious), which is given the benefit of the doubt.
    /// </summary>
    private static bool AcceptsNull(ITypeSymbol type) =>
        type.NullableAnnotation == NullableAnnotation.Annotated
        || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
        || (!type.IsValueType && type.NullableAnnotation == NullableAnnotation.None);

    private static ValueKind GetValueKind(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
                return ValueKind.String;
            case SpecialType.System_Boolean:
                return ValueKind.Boolean;
            case SpecialType.System_Int32:
                return ValueKind.Int32;
            case SpecialType.System_Int64:
                return ValueKind.Int64;
            case SpecialType.System_Double:
                return ValueKind.Double;
        }

        if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
        {
            return ValueKind.ByteArray;
        }

        if (IsCancellationToken(type))
        {
            return ValueKind.CancellationToken;
        }

        if (type is INamedTypeSymbol { IsGenericType: true } named && named.TypeArguments[0].SpecialType == SpecialType.System_Byte && named.ContainingNamespace?.ToDisplayString() == "System")
        {
            if (named.MetadataName == "ReadOnlyMemory`1")
            {
                return ValueKind.ReadOnlyMemoryOfByte;
            }

            if (named.MetadataName == "Memory`1")
            {
                return ValueKind.MemoryOfByte;
            }
        }

        return ValueKind.Serialized;
    }

    /// <summary>The prefix of the stream protocol's own events (TSG0018).</summary>
    public const string StreamEventPrefix = "$stream:";

    /// <summary>
    /// The stream kind of a parameter or return type declared exactly as <c>IAsyncEnumerable&lt;T&gt;</c> or
    /// <c>ChannelReader&lt;T&gt;</c>, with its item type; null for anything else (derived types included: TSG0014).
    /// </summary>
    private static ValueKind? GetStreamKind(ITypeSymbol type, out ITypeSymbol? item)
    {
        item = null;
        if (type is not INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named)
        {
            return null;
        }

        switch (named.OriginalDefinition.ToDisplayString())
        {
            case "System.Collections.Generic.IAsyncEnumerable<T>":
                item = named.TypeArguments[0];
                return ValueKind.AsyncEnumerable;
            case "System.Threading.Channels.ChannelReader<T>":
                item = named.TypeArguments[0];
                return ValueKind.ChannelReader;
            default:
                return null;
        }
    }

    /// <summary>True when a type argument of <paramref name="type"/>, at any depth, is a stream (<c>List&lt;IAsyncEnumerable&lt;T&gt;&gt;</c>).</summary>
    private static bool ContainsStream(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
        {
            return IsStream(array.ElementType) || ContainsStream(array.ElementType);
        }

        return type is INamedTypeSymbol { IsGenericType: true } named
            && named.TypeArguments.Any(t => IsStream(t) || ContainsStream(t));
    }

    /// <summary>An item of a stream must travel like an argument, and cannot itself be a stream.</summary>
    private static void ValidateStreamItem(ISymbol location, ITypeSymbol item, string what, ITypeSymbol streamType, Reporter report, string? methodName = null)
    {
        methodName ??= location.Name;
        if (IsStream(item) || ContainsStream(item))
        {
            report(DiagnosticDescriptors.StreamingNotSupported, location, what, methodName, streamType.ToDisplayString());
        }
        else if (GetUnserializableReason(item) is { } reason)
        {
            report(DiagnosticDescriptors.UnserializableType, location, what, methodName, item.ToDisplayString(), reason);
        }
    }

    private static bool IsCancellationToken(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "CancellationToken" } named && named.ContainingNamespace?.ToDisplayString() == "System.Threading";

    /// <summary>
    /// True for <c>IAsyncEnumerable&lt;T&gt;</c> and <c>ChannelReader&lt;T&gt;</c> (and types implementing or deriving from
    /// them): a serializer would write them as an empty object and the peer would get nothing (TSG0014).
    /// </summary>
    /// <summary>The first value tuple in <paramref name="type"/>: itself, an array element, or a generic argument at any depth.</summary>
    private static ITypeSymbol? FindTuple(ITypeSymbol type)
    {
        switch (type)
        {
            case INamedTypeSymbol { IsTupleType: true }:
                return type;
            case IArrayTypeSymbol array:
                return FindTuple(array.ElementType);
            case INamedTypeSymbol { IsGenericType: true } named:
                foreach (var argument in named.TypeArguments)
                {
                    if (FindTuple(argument) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool IsStream(ITypeSymbol type)
    {
        static bool IsStreamDefinition(ITypeSymbol candidate) =>
            candidate is INamedTypeSymbol { IsGenericType: true } named
            && named.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.IAsyncEnumerable<T>" or "System.Threading.Channels.ChannelReader<T>";

        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (IsStreamDefinition(current))
            {
                return true;
            }
        }

        return type.AllInterfaces.Any(IsStreamDefinition);
    }

    /// <summary>Why no serializer can handle <paramref name="type"/>, where that is knowable at compile time; null otherwise.</summary>
    private static string? GetUnserializableReason(ITypeSymbol type)
    {
        switch (type.TypeKind)
        {
            case TypeKind.Pointer:
            case TypeKind.FunctionPointer:
                return "pointers have no wire form";
            case TypeKind.Delegate:
                return "delegates have no wire form";
            case TypeKind.TypeParameter:
                return null;
        }

        if (type.IsRefLikeType)
        {
            return "ref structs cannot be serialized (use an array or ReadOnlyMemory<byte>)";
        }

        // By special type, not by name: C# 9+ displays System.IntPtr/UIntPtr as nint/nuint. Nullable<T> counts as T.
        var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
        if (underlying.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
        {
            return "native integers (nint, nuint, IntPtr, UIntPtr) are process-specific";
        }

        var name = type.OriginalDefinition.ToDisplayString();
        switch (name)
        {
            case "System.Type":
                return "System.Type is not serializable";
            case "System.Threading.Tasks.Task":
            case "System.Threading.Tasks.Task<TResult>":
            case "System.Threading.Tasks.ValueTask":
            case "System.Threading.Tasks.ValueTask<TResult>":
                return "tasks have no wire form";
            case "System.Threading.CancellationToken":
                return "a CancellationToken is never sent";
        }

        return null;
    }

    private static bool IsAccessibleInAssembly(INamedTypeSymbol type)
    {
        for (ISymbol? current = type; current is INamedTypeSymbol named; current = named.ContainingType)
        {
            if (named.IsFileLocal)
            {
                return false;
            }

            switch (named.DeclaredAccessibility)
            {
                case Accessibility.Public:
                case Accessibility.Internal:
                case Accessibility.ProtectedOrInternal:
                    continue;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool IsPublic(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The base name of the generated types, from the interface's full name within its namespace: its own name, then
    /// containing types joined with '_' (a '_' inside a name is doubled), so <c>IMetrics</c>, <c>Metrics</c>,
    /// <c>Outer.IFoo</c> and <c>Outer_IFoo</c> each get their own types.
    /// </summary>
    private static string GetGeneratedName(INamedTypeSymbol type)
    {
        var name = type.Name.Replace("_", "__");
        for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
        {
            name = containing.Name.Replace("_", "__") + "_" + name;
        }

        return name;
    }

    private static string EscapeIdentifier(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;
}
