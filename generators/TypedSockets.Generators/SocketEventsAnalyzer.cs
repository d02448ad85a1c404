using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TypedSockets.Generators;

/// <summary>Reports misuses of [SocketEvents] contracts and SocketHub classes (TSG0001-TSG0014).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SocketEventsAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.InvalidContractType,
        DiagnosticDescriptors.GenericMethod,
        DiagnosticDescriptors.ByRefParameter,
        DiagnosticDescriptors.UnsupportedReturnType,
        DiagnosticDescriptors.DuplicateEventName,
        DiagnosticDescriptors.ReservedEventName,
        DiagnosticDescriptors.OverloadedMethod,
        DiagnosticDescriptors.NonMethodMember,
        DiagnosticDescriptors.CancellationTokenNotLast,
        DiagnosticDescriptors.InvalidEventName,
        DiagnosticDescriptors.HubDoesNotImplementServer,
        DiagnosticDescriptors.UnserializableType,
        DiagnosticDescriptors.HubContractNotSocketEvents,
        DiagnosticDescriptors.StreamingNotSupported,
        DiagnosticDescriptors.TupleType,
        DiagnosticDescriptors.InvalidStreamMethod,
        DiagnosticDescriptors.ReservedStreamEventName);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attribute = start.Compilation.GetTypeByMetadataName(Parser.SocketEventsAttribute);
            if (attribute is null)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, attribute), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        void Report(DiagnosticDescriptor descriptor, ISymbol? location, params object[] args)
        {
            var where = location is not null && location.Locations.Length > 0 ? location.Locations[0] : type.Locations[0];
            if (where.IsInSource)
            {
                context.ReportDiagnostic(Diagnostic.Create(descriptor, where, args));
            }
            else
            {
                // A member inherited from an interface in another assembly: report on the contract itself.
                context.ReportDiagnostic(Diagnostic.Create(descriptor, type.Locations[0], args));
            }
        }

        foreach (var data in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                Parser.Validate(type, Report, context.CancellationToken);
                break;
            }
        }

        Parser.ValidateHub(type, Report);
    }
}
