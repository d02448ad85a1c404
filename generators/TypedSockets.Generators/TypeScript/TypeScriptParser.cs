using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TypedSockets.Generators.Model;

namespace TypedSockets.Generators.TypeScript;

/// <summary>
/// Reads a [SocketEvents] interface and every type its events reach into a <see cref="TypeScriptContractModel"/>: the
/// types as System.Text.Json writes them (docs/typescript.md has the table). The only TypeScript code that reads symbols.
/// </summary>
internal static class TypeScriptParser
{
    public const string SocketContractPairAttribute = "TypedSockets.SocketContractPairAttribute";

    /// <summary>Both kinds of binary socket.io-client hands a listener (ArrayBuffer in browsers, Buffer in Node) and accepts on emit.</summary>
    public const string BinaryType = "ArrayBuffer | ArrayBufferView";

    private const string Unknown = "unknown";

    private static readonly SymbolDisplayFormat s_nameFormat = SymbolDisplayFormat.CSharpErrorMessageFormat;

    /// <summary>The event map name of a contract: <c>IChatServer</c> → <c>ChatServerEvents</c>, containing types joined with '_'.</summary>
    public static string GetMapName(INamedTypeSymbol contract)
    {
        var name = contract.Name.Length > 1 && contract.Name[0] == 'I' && char.IsUpper(contract.Name[1]) ? contract.Name.Substring(1) : contract.Name;
        return GetContainingPrefix(contract) + name + "Events";
    }

    public static TypeScriptContractModel Parse(INamedTypeSymbol contract, CancellationToken cancellationToken)
    {
        var context = new Context();
        var events = new List<TypeScriptEventModel>();
        foreach (var method in Parser.GetEventMethods(contract))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wireName = Parser.GetWireName(method);
            if (wireName is null)
            {
                continue; // TSG0010 (the analyzer)
            }

            var stream = method.Parameters.Select(p => p.Type).Append(method.ReturnType).FirstOrDefault(IsStream);
            var streamDiagnostic = stream is null
                ? null
                : new DiagnosticInfo(
                    DiagnosticDescriptors.TypeScriptStreamingNotTyped.Id,
                    ToLocationInfo(method.Locations.FirstOrDefault(l => l.IsInSource)),
                    new EquatableArray<string>([wireName, method.Name, stream.ToDisplayString(s_nameFormat)]));
            if (GetAckType(method.ReturnType) is { } ackStream && IsStream(ackStream))
            {
                // Task<IAsyncEnumerable<T>> is refused by the C# generator (TSG0014); nothing to type.
                context.Report(DiagnosticDescriptors.TypeScriptStreamingNotTyped, method, wireName, method.Name, ackStream.ToDisplayString(s_nameFormat));
                continue;
            }

            var parameters = new List<TypeScriptMemberModel>();
            foreach (var parameter in method.Parameters)
            {
                if (IsCancellationToken(parameter.Type))
                {
                    continue; // never on the wire
                }

                var usage = "parameter '" + parameter.Name + "' of event '" + wireName + "'";
                var type = IsStream(parameter.Type)
                    ? "StreamArgument<" + context.Map(GetStreamItem(parameter.Type), method, usage) + ">"
                    : context.Map(parameter.Type, method, usage);
                parameters.Add(new TypeScriptMemberModel(parameter.Name, true, type, parameter.HasExplicitDefaultValue));
            }

            var ackType = GetAckType(method.ReturnType);
            var ack = ackType is null ? null : context.Map(ackType, method, "the acknowledgement of event '" + wireName + "'");
            var resultStream = IsStream(method.ReturnType) ? context.Map(GetStreamItem(method.ReturnType), method, "the stream of event '" + wireName + "'") : null;
            events.Add(new TypeScriptEventModel(wireName, new EquatableArray<TypeScriptMemberModel>(parameters.ToArray()), ack, resultStream, streamDiagnostic));
        }

        context.DeclarePending(cancellationToken);
        return new TypeScriptContractModel(
            contract.ToDisplayString(s_nameFormat),
            GetMapName(contract),
            new EquatableArray<TypeScriptEventModel>(events.ToArray()),
            new EquatableArray<TypeScriptTypeModel>(context.Types.ToArray()),
            new EquatableArray<DiagnosticInfo>(context.Diagnostics.ToArray()));
    }

    /// <summary>The <c>[assembly: SocketContractPair]</c> attributes of <paramref name="compilation"/>; problems go to <paramref name="diagnostics"/>.</summary>
    public static EquatableArray<TypeScriptPairModel> ParsePairs(Compilation compilation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var pairs = new List<TypeScriptPairModel>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attribute in compilation.Assembly.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attribute.AttributeClass?.ToDisplayString() != SocketContractPairAttribute || attribute.ConstructorArguments.Length != 3)
            {
                continue;
            }

            var location = ToLocationInfo(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());
            void Report(string reason) =>
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidContractPair.Id, location, new EquatableArray<string>([reason])));

            var name = attribute.ConstructorArguments[0].Value as string;
            var server = attribute.ConstructorArguments[1].Value as INamedTypeSymbol;
            var client = attribute.ConstructorArguments[2].Value as INamedTypeSymbol;
            if (name is null || !TypeScriptNaming.IsIdentifier(name))
            {
                Report("the name \"" + name + "\" is not a TypeScript identifier (letters, digits, _ or $, not starting with a digit)");
                continue;
            }

            if (!names.Add(name))
            {
                Report("the name \"" + name + "\" is used by another SocketContractPair of this assembly");
                continue;
            }

            var bad = false;
            foreach (var (role, type) in new[] { ("server", server), ("client", client) })
            {
                if (type is not { TypeKind: TypeKind.Interface } || !Parser.HasSocketEvents(type))
                {
                    Report("the " + role + " contract '" + type?.ToDisplayString(s_nameFormat) + "' is not an interface marked [SocketEvents]");
                    bad = true;
                }
            }

            if (!bad)
            {
                pairs.Add(new TypeScriptPairModel(name, GetMapName(server!), GetMapName(client!)));
            }
        }

        return new EquatableArray<TypeScriptPairModel>(pairs.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray());
    }

    public static LocationInfo? ToLocationInfo(Location? location)
    {
        if (location is null || !location.IsInSource)
        {
            return null;
        }

        var span = location.GetLineSpan();
        return new LocationInfo(
            location.SourceTree?.FilePath ?? string.Empty,
            location.SourceSpan.Start,
            location.SourceSpan.Length,
            span.StartLinePosition.Line,
            span.StartLinePosition.Character,
            span.EndLinePosition.Line,
            span.EndLinePosition.Character);
    }

    public static Location ToLocation(LocationInfo? info) =>
        info is null
            ? Location.None
            : Location.Create(
                info.FilePath,
                new TextSpan(info.Start, info.Length),
                new LinePositionSpan(new LinePosition(info.StartLine, info.StartCharacter), new LinePosition(info.EndLine, info.EndCharacter)));

    private static ITypeSymbol? GetAckType(ITypeSymbol returnType) =>
        returnType is INamedTypeSymbol { IsGenericType: true, MetadataName: "Task`1" or "ValueTask`1" } named
        && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks"
            ? named.TypeArguments[0]
            : null;

    private static bool IsCancellationToken(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "CancellationToken" } named && named.ContainingNamespace?.ToDisplayString() == "System.Threading";

    private static bool IsStream(ITypeSymbol type)
    {
        static bool IsStreamDefinition(ITypeSymbol candidate) =>
            candidate is INamedTypeSymbol { IsGenericType: true } named
            && named.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.IAsyncEnumerable<T>" or "System.Threading.Channels.ChannelReader<T>";

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (IsStreamDefinition(current))
            {
                return true;
            }
        }

        return type.AllInterfaces.Any(IsStreamDefinition);
    }

    /// <summary>The item type of a stream (the C# generator requires IAsyncEnumerable&lt;T&gt; or ChannelReader&lt;T&gt; exactly, TSG0014).</summary>
    private static ITypeSymbol GetStreamItem(ITypeSymbol stream)
    {
        for (var current = stream as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType && current.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.IAsyncEnumerable<T>" or "System.Threading.Channels.ChannelReader<T>")
            {
                return current.TypeArguments[0];
            }
        }

        return stream.AllInterfaces.First(i => i.IsGenericType && i.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.IAsyncEnumerable<T>").TypeArguments[0];
    }

    private static string GetContainingPrefix(INamedTypeSymbol type)
    {
        var prefix = string.Empty;
        for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
        {
            prefix = containing.Name + "_" + prefix;
        }

        return prefix;
    }

    private static string FullName(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty);

    private static bool InSystemNamespace(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        while (ns is { ContainingNamespace.IsGlobalNamespace: false })
        {
            ns = ns.ContainingNamespace;
        }

        return ns is { IsGlobalNamespace: false, Name: "System" or "Microsoft" };
    }

    private static AttributeData? FindAttribute(ISymbol symbol, string fullName) =>
        symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == fullName);

    /// <summary>The types reached from one contract and the problems met on the way.</summary>
    private sealed class Context
    {
        private readonly Dictionary<string, TypeScriptTypeModel?> _declared = new(StringComparer.Ordinal);
        private readonly Queue<(INamedTypeSymbol Type, IMethodSymbol Event)> _pending = new();
        private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

        public List<TypeScriptTypeModel> Types { get; } = [];

        public List<DiagnosticInfo> Diagnostics { get; } = [];

        public void Report(DiagnosticDescriptor descriptor, ISymbol symbol, params string[] args)
        {
            var location = ToLocationInfo(symbol.Locations.FirstOrDefault(l => l.IsInSource));
            Diagnostics.Add(new DiagnosticInfo(descriptor.Id, location, new EquatableArray<string>(args)));
        }

        /// <summary>The TypeScript type of <paramref name="type"/>; DTOs and enums it names are queued for declaration.</summary>
        public string Map(ITypeSymbol type, IMethodSymbol evt, string usage)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                return Union(MapCore(nullable.TypeArguments[0], evt, usage));
            }

            var core = MapCore(type, evt, usage);
            return type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated
                || type is ITypeParameterSymbol { NullableAnnotation: NullableAnnotation.Annotated }
                ? Union(core)
                : core;
        }

        private static string Union(string core) => core == Unknown ? core : core + " | null";

        private static string Element(string type) => type.Contains(" ") ? "(" + type + ")[]" : type + "[]";

        private string MapCore(ITypeSymbol type, IMethodSymbol evt, string usage)
        {
            switch (type.SpecialType)
            {
                case SpecialType.System_String:
                case SpecialType.System_Char:
                case SpecialType.System_DateTime:
                    return "string";
                case SpecialType.System_Boolean:
                    return "boolean";
                case SpecialType.System_SByte:
                case SpecialType.System_Byte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_Decimal:
                    return "number";
                case SpecialType.System_Object:
                    return Unknown;
                case SpecialType.System_IntPtr:
                case SpecialType.System_UIntPtr:
                    return Refuse(type, evt, usage, "native integers are process-specific");
            }

            switch (type)
            {
                case ITypeParameterSymbol parameter:
                    return parameter.Name;
                case IArrayTypeSymbol array when array.Rank != 1:
                    return Refuse(type, evt, usage, "System.Text.Json does not serialize multi-dimensional arrays (use an array of arrays)");
                case IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte }:
                    return BinaryType;
                case IArrayTypeSymbol array:
                    return Element(Map(array.ElementType, evt, usage));
                case INamedTypeSymbol named:
                    return MapNamed(named, evt, usage);
                default:
                    return Refuse(type, evt, usage, "it has no JSON form");
            }
        }

        private string MapNamed(INamedTypeSymbol type, IMethodSymbol evt, string usage)
        {
            var definition = type.OriginalDefinition.ToDisplayString();
            switch (definition)
            {
                case "System.DateTimeOffset":
                case "System.DateOnly":
                case "System.TimeOnly":
                case "System.TimeSpan":
                case "System.Guid":
                case "System.Uri":
                case "System.Version":
                    return "string";
                case "System.Half":
                case "System.Int128":
                case "System.UInt128":
                    return "number";
                case "System.Text.Json.JsonElement":
                case "System.Text.Json.JsonDocument":
                case "System.Text.Json.Nodes.JsonNode":
                case "System.Text.Json.Nodes.JsonObject":
                case "System.Text.Json.Nodes.JsonArray":
                case "System.Text.Json.Nodes.JsonValue":
                    return Unknown;
                case "System.ReadOnlyMemory<T>":
                case "System.Memory<T>":
                case "System.ArraySegment<T>":
                    return type.TypeArguments[0].SpecialType == SpecialType.System_Byte ? BinaryType : Element(Map(type.TypeArguments[0], evt, usage));
            }

            if (type.IsTupleType || definition.StartsWith("System.Tuple<", StringComparison.Ordinal))
            {
                return Refuse(type, evt, usage, "tuples have no named members on the wire (use a record)");
            }

            if (type.TypeKind == TypeKind.Delegate)
            {
                return Refuse(type, evt, usage, "delegates have no wire form");
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                Queue(type, evt);
                return TypeName(type);
            }

            if (FindDictionary(type) is { } dictionary)
            {
                var key = dictionary.TypeArguments[0];
                if (!IsDictionaryKey(key))
                {
                    return Refuse(type, evt, usage, "a JSON object's keys are strings: the key type '" + key.ToDisplayString(s_nameFormat) + "' is not a string, number, enum or Guid");
                }

                return "Record<string, " + Map(dictionary.TypeArguments[1], evt, usage) + ">";
            }

            if (FindEnumerable(type) is { } elementType)
            {
                return Element(Map(elementType, evt, usage));
            }

            if (InSystemNamespace(type))
            {
                return Refuse(type, evt, usage, "it is a .NET type with no TypeScript mapping (docs/typescript.md lists the mapped ones)");
            }

            Queue(type, evt);
            return type.TypeArguments.Length == 0
                ? TypeName(type)
                : TypeName(type) + "<" + string.Join(", ", type.TypeArguments.Select(a => Map(a, evt, usage))) + ">";
        }

        private string Refuse(ITypeSymbol type, IMethodSymbol evt, string usage, string reason)
        {
            var display = type.ToDisplayString(s_nameFormat);
            if (_reported.Add(display + "|" + evt.Name))
            {
                Report(DiagnosticDescriptors.TypeScriptUnexpressibleType, evt, display, usage, reason);
            }

            return Unknown;
        }

        private static bool IsDictionaryKey(ITypeSymbol key) =>
            key.SpecialType is SpecialType.System_String or SpecialType.System_Char
                or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal
            || key.TypeKind == TypeKind.Enum
            || key.ToDisplayString() == "System.Guid";

        private static INamedTypeSymbol? FindDictionary(INamedTypeSymbol type)
        {
            static bool IsDictionary(INamedTypeSymbol candidate) =>
                candidate.IsGenericType
                && candidate.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.IDictionary<TKey, TValue>" or "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>";

            return IsDictionary(type) ? type : type.AllInterfaces.FirstOrDefault(IsDictionary);
        }

        private static ITypeSymbol? FindEnumerable(INamedTypeSymbol type)
        {
            static bool IsEnumerable(INamedTypeSymbol candidate) =>
                candidate.IsGenericType && candidate.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T;

            var enumerable = IsEnumerable(type) ? type : type.AllInterfaces.FirstOrDefault(IsEnumerable);
            return enumerable?.TypeArguments[0];
        }

        private static string TypeName(INamedTypeSymbol type) => GetContainingPrefix(type) + type.Name;

        private void Queue(INamedTypeSymbol type, IMethodSymbol evt)
        {
            var definition = type.OriginalDefinition;
            var key = FullName(definition) + "`" + definition.Arity.ToString(CultureInfo.InvariantCulture);
            if (!_declared.ContainsKey(key))
            {
                _declared.Add(key, null);
                _pending.Enqueue((definition, evt));
            }
        }

        /// <summary>Declares every queued type (declaring one may queue more).</summary>
        public void DeclarePending(CancellationToken cancellationToken)
        {
            while (_pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (type, evt) = _pending.Dequeue();
                var key = FullName(type) + "`" + type.Arity.ToString(CultureInfo.InvariantCulture);
                var model = type.TypeKind == TypeKind.Enum ? DeclareEnum(type, key) : DeclareObject(type, key, evt);
                _declared[key] = model;
                Types.Add(model);
            }
        }

        private static TypeScriptTypeModel DeclareEnum(INamedTypeSymbol type, string key)
        {
            var converter = FindAttribute(type, "System.Text.Json.Serialization.JsonConverterAttribute");
            var asString = converter is { ConstructorArguments.Length: 1 }
                && converter.ConstructorArguments[0].Value is INamedTypeSymbol converterType
                && converterType.OriginalDefinition.ToDisplayString() is "System.Text.Json.Serialization.JsonStringEnumConverter" or "System.Text.Json.Serialization.JsonStringEnumConverter<TEnum>";
            var members = new List<TypeScriptMemberModel>();
            foreach (var field in type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue))
            {
                var memberName = FindAttribute(field, "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute") is { ConstructorArguments.Length: 1 } rename
                    && rename.ConstructorArguments[0].Value is string renamed
                        ? renamed
                        : field.Name;
                var value = Convert.ToString(field.ConstantValue, CultureInfo.InvariantCulture) ?? "0";
                members.Add(asString
                    ? new TypeScriptMemberModel(memberName, true, TypeScriptNaming.Quote(memberName), false)
                    : new TypeScriptMemberModel(field.Name, true, value, false));
            }

            // A [Flags] enum written as strings is "A, B" for combined values: only a string says that truthfully.
            var isFlags = FindAttribute(type, "System.FlagsAttribute") is not null;
            return new TypeScriptTypeModel(
                key,
                TypeName(type),
                type.ToDisplayString(s_nameFormat),
                asString ? TypeScriptTypeKind.StringEnum : TypeScriptTypeKind.NumberEnum,
                EquatableArray<string>.Empty,
                asString && isFlags ? "string" : null,
                new EquatableArray<TypeScriptMemberModel>(members.ToArray()));
        }

        private TypeScriptTypeModel DeclareObject(INamedTypeSymbol type, string key, IMethodSymbol evt)
        {
            var usage = "type '" + type.ToDisplayString(s_nameFormat) + "'";
            string? extends = null;
            if (type.TypeKind == TypeKind.Class && type.BaseType is { SpecialType: SpecialType.None } baseType && !InSystemNamespace(baseType))
            {
                extends = Map(baseType, evt, usage);
            }

            var members = new List<TypeScriptMemberModel>();
            foreach (var member in type.GetMembers())
            {
                ITypeSymbol memberType;
                switch (member)
                {
                    case IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod.DeclaredAccessibility: Accessibility.Public } property:
                        memberType = property.Type;
                        break;
                    case IFieldSymbol { IsStatic: false, IsConst: false, IsImplicitlyDeclared: false, DeclaredAccessibility: Accessibility.Public } field:
                        memberType = field.Type;
                        break;
                    default:
                        continue;
                }

                if (FindAttribute(member, "System.Text.Json.Serialization.JsonExtensionDataAttribute") is not null)
                {
                    continue;
                }

                var optional = false;
                if (FindAttribute(member, "System.Text.Json.Serialization.JsonIgnoreAttribute") is { } ignore)
                {
                    var condition = ignore.NamedArguments.FirstOrDefault(a => a.Key == "Condition").Value.Value as int? ?? 1;
                    if (condition == 1)
                    {
                        continue; // Always
                    }

                    optional = condition is 2 or 3; // WhenWritingDefault, WhenWritingNull
                }

                var wireName = FindAttribute(member, "System.Text.Json.Serialization.JsonPropertyNameAttribute") is { ConstructorArguments.Length: 1 } rename
                    && rename.ConstructorArguments[0].Value is string renamed
                        ? renamed
                        : null;
                members.Add(new TypeScriptMemberModel(wireName ?? member.Name, wireName is not null, Map(memberType, evt, usage + " member '" + member.Name + "'"), optional));
            }

            return new TypeScriptTypeModel(
                key,
                TypeName(type),
                type.ToDisplayString(s_nameFormat),
                TypeScriptTypeKind.Interface,
                new EquatableArray<string>(type.TypeParameters.Select(p => p.Name).ToArray()),
                extends,
                new EquatableArray<TypeScriptMemberModel>(members.ToArray()));
        }
    }
}
