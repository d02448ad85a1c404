using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSockets.Generators.Model;
using TypedSockets.Generators.TypeScript;

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
    
        InitializeTypeScript(context);
    }

    /// <summary>
    /// With the MSBuild property TypedSocketsTypeScriptOutput set, one more file: the TypeScript types of every contract
    /// and [assembly: SocketContractPair], carried as comment lines that build/TypedSockets.targets writes to that path.
    /// </summary>
    private static void InitializeTypeScript(IncrementalGeneratorInitializationContext context)
    {
        var options = context.AnalyzerConfigOptionsProvider
            .Combine(context.CompilationProvider.Select(static (compilation, _) => compilation.AssemblyName ?? string.Empty))
            .Select(static (pair, _) =>
            {
                pair.Left.GlobalOptions.TryGetValue("build_property.TypedSocketsTypeScriptOutput", out var output);
                pair.Left.GlobalOptions.TryGetValue("build_property.TypedSocketsJsonNamingPolicy", out var naming);
                return new TypeScriptOptionsModel(!string.IsNullOrWhiteSpace(output), TypeScriptNaming.ParsePolicy(naming) ?? TypeScriptNaming.CamelCase, pair.Right);
            })
            .WithTrackingName(TrackingNames.TypeScriptOptions);

        var contracts = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.SocketEventsAttribute,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (ctx, ct) => ctx.TargetSymbol is INamedTypeSymbol { TypeKind: TypeKind.Interface } type ? TypeScriptParser.Parse(type, ct) : null)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.TypeScriptContracts);

        var pairs = context.CompilationProvider
            .Select(static (compilation, ct) =>
            {
                var diagnostics = new List<DiagnosticInfo>();
                var models = TypeScriptParser.ParsePairs(compilation, diagnostics, ct);
                return (Pairs: models, Diagnostics: new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
            })
            .WithTrackingName(TrackingNames.TypeScriptPairs);

        var file = contracts.Collect().Combine(pairs).Combine(options);
        context.RegisterSourceOutput(file, static (spc, input) =>
        {
            var ((contractModels, pairModels), options) = input;
            if (!options.Enabled)
            {
                return;
            }

            var diagnostics = new List<DiagnosticInfo>(pairModels.Diagnostics);
            var mapNames = new HashSet<string>(contractModels.Select(c => c.MapName), System.StringComparer.Ordinal);
            var validPairs = new List<TypeScriptPairModel>();
            foreach (var pair in pairModels.Pairs)
            {
                var missing = new[] { pair.ServerMapName, pair.ClientMapName }.FirstOrDefault(m => !mapNames.Contains(m));
                if (missing is null)
                {
                    validPairs.Add(pair);
                }
                else
                {
                    diagnostics.Add(new DiagnosticInfo(
                        DiagnosticDescriptors.InvalidContractPair.Id,
                        null,
                        new EquatableArray<string>(["\"" + pair.Name + "\" pairs a contract declared in another assembly (" + missing + "): declare the pair in the assembly of its contracts"])));
                }
            }

            foreach (var contract in contractModels)
            {
                diagnostics.AddRange(contract.Diagnostics);
            }

            var text = TypeScriptEmitter.Emit(options, contractModels, new EquatableArray<TypeScriptPairModel>(validPairs.ToArray()), diagnostics);
            foreach (var diagnostic in diagnostics)
            {
                spc.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ById(diagnostic.Id),
                    TypeScriptParser.ToLocation(diagnostic.Location),
                    diagnostic.Arguments.Cast<object>().ToArray()));
            }

            spc.AddSource(TypeScriptEmitter.CarrierHintName, TypeScriptEmitter.EmitCarrier(text));
        });
    }
}
