using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TypedSockets.Generators;

/// <summary>
/// Generates typed emitters, broadcast methods and dispatchers for every interface marked
/// <c>[TypedSockets.SocketEvents]</c>. Invalid contracts generate nothing; <see cref="SocketEventsAnalyzer"/> reports why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SocketEventsGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var contracts = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.SocketEventsAttribute,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (ctx, ct) => ctx.TargetSymbol is INamedTypeSymbol type ? Parser.Parse(type, ct) : null)
            .WithTrackingName(TrackingNames.Contracts)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.ValidContracts);

        context.RegisterSourceOutput(contracts, static (spc, model) => spc.AddSource(model.HintName, Emitter.Emit(model)));

        // Targets without ModuleInitializerAttribute (netstandard2.x, Unity) get an internal one, once, when there is a contract.
        var needsModuleInitializerAttribute = context.CompilationProvider
            .Select(static (compilation, _) => Parser.LacksModuleInitializerAttribute(compilation))
            .Combine(contracts.Collect().Select(static (models, _) => !models.IsEmpty))
            .Select(static (pair, _) => pair.Left && pair.Right)
            .WithTrackingName(TrackingNames.NeedsModuleInitializerAttribute);
        context.RegisterSourceOutput(needsModuleInitializerAttribute, static (spc, needed) =>
        {
            if (needed)
            {
                spc.AddSource(Emitter.ModuleInitializerAttributeHintName, Emitter.EmitModuleInitializerAttribute());
            }
        });
    }
}
