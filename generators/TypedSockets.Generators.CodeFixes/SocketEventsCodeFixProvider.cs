using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace TypedSockets.Generators.CodeFixes;

/// <summary>
/// Fixes for the [SocketEvents] diagnostics whose fix is obvious: TSG0003 (remove the ref/out/in/params modifier),
/// TSG0009 (move the CancellationToken last) and TSG0005/TSG0006 (send the event under a free, unreserved name with
/// [SocketEvent("...")]).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SocketEventsCodeFixProvider)), Shared]
public sealed class SocketEventsCodeFixProvider : CodeFixProvider
{
    public const string ByRefParameter = "TSG0003";
    public const string DuplicateEventName = "TSG0005";
    public const string ReservedEventName = "TSG0006";
    public const string CancellationTokenNotLast = "TSG0009";

    private const string SocketEventAttributeName = "TypedSockets.SocketEventAttribute";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(ByRefParameter, DuplicateEventName, ReservedEventName, CancellationTokenNotLast);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent;
            switch (diagnostic.Id)
            {
                case ByRefParameter when node?.FirstAncestorOrSelf<ParameterSyntax>() is { } parameter:
                    var modifiers = string.Join(" ", parameter.Modifiers.Where(IsByRefModifier).Select(m => m.Text));
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            $"Remove '{modifiers}' from '{parameter.Identifier.Text}'",
                            _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(parameter, RemoveByRefModifiers(parameter)))),
                            equivalenceKey: ByRefParameter),
                        diagnostic);
                    break;
                case CancellationTokenNotLast when node?.FirstAncestorOrSelf<ParameterSyntax>() is { Parent: ParameterListSyntax list } parameter:
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            $"Move '{parameter.Identifier.Text}' to the end of the parameters",
                            _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(list, MoveLast(list, parameter)))),
                            equivalenceKey: CancellationTokenNotLast),
                        diagnostic);
                    break;
                case DuplicateEventName or ReservedEventName when node?.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } method:
                    var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
                    if (model?.GetDeclaredSymbol(method, context.CancellationToken) is not { ContainingType: { } contract } symbol)
                    {
                        break;
                    }

                    var name = FreeName(contract, symbol);
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            $"Send '{symbol.Name}' as \"{name}\" with [SocketEvent]",
                            _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, SetWireName(method, model, name, context.CancellationToken)))),
                            equivalenceKey: diagnostic.Id + ":" + name),
                        diagnostic);
                    break;
            }
        }
    }

    // "readonly" only appears in "ref readonly" and goes with it.
    private static bool IsByRefModifier(SyntaxToken token) =>
        token.IsKind(SyntaxKind.RefKeyword) || token.IsKind(SyntaxKind.OutKeyword) || token.IsKind(SyntaxKind.InKeyword) ||
        token.IsKind(SyntaxKind.ParamsKeyword) || token.IsKind(SyntaxKind.ReadOnlyKeyword);

    private static ParameterSyntax RemoveByRefModifiers(ParameterSyntax parameter)
    {
        var kept = SyntaxFactory.TokenList(parameter.Modifiers.Where(m => !IsByRefModifier(m)));
        var leading = parameter.GetLeadingTrivia();
        return parameter.WithModifiers(kept).WithLeadingTrivia(leading);
    }

    private static ParameterListSyntax MoveLast(ParameterListSyntax list, ParameterSyntax parameter)
    {
        var ordered = list.Parameters.Where(p => p != parameter).Concat(new[] { parameter })
            .Select(p => p.WithoutLeadingTrivia().WithoutTrailingTrivia());
        var separators = Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), list.Parameters.Count - 1);
        return list.WithParameters(SyntaxFactory.SeparatedList(ordered, separators));
    }

    /// <summary>camelCase of the method name, else with "Event" and then a number appended, until no other event uses it and it is not reserved.</summary>
    internal static string FreeName(INamedTypeSymbol contract, IMethodSymbol method)
    {
        var taken = new HashSet<string>(
            Parser.GetEventMethods(contract)
                .Where(m => !SymbolEqualityComparer.Default.Equals(m, method))
                .Select(Parser.GetWireName)
                .Where(n => n is not null)!,
            System.StringComparer.Ordinal);
        var stem = Parser.ToCamelCase(method.Name);
        foreach (var candidate in Candidates(stem))
        {
            if (!taken.Contains(candidate) && !Parser.IsReservedName(candidate))
            {
                return candidate;
            }
        }

        return stem;
    }

    private static IEnumerable<string> Candidates(string stem)
    {
        yield return stem;
        yield return stem + "Event";
        for (var i = 2; i < 1000; i++)
        {
            yield return stem + "Event" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static MethodDeclarationSyntax SetWireName(MethodDeclarationSyntax method, SemanticModel model, string name, CancellationToken cancellationToken)
    {
        var literal = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(name));
        foreach (var list in method.AttributeLists)
        {
            foreach (var attribute in list.Attributes)
            {
                if (model.GetTypeInfo(attribute, cancellationToken).Type?.ToDisplayString() == SocketEventAttributeName)
                {
                    var arguments = SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.AttributeArgument(literal)));
                    return method.ReplaceNode(attribute, attribute.WithArgumentList(arguments));
                }
            }
        }

        var added = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Attribute(
                    SyntaxFactory.ParseName("global::TypedSockets.SocketEvent").WithAdditionalAnnotations(Simplifier.Annotation),
                    SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.AttributeArgument(literal))))))
            .WithAdditionalAnnotations(Formatter.Annotation);
        var leading = method.GetLeadingTrivia();
        var withoutTrivia = method.WithoutLeadingTrivia();
        var updated = withoutTrivia.WithAttributeLists(withoutTrivia.AttributeLists.Insert(0, added.WithLeadingTrivia(leading)));
        // The method's own first token goes on the next line, with the method's indentation and the file's line ending.
        var indentation = leading.Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault();
        var endOfLine = method.SyntaxTree.GetRoot(cancellationToken).DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var newLine = endOfLine.IsKind(SyntaxKind.EndOfLineTrivia) ? endOfLine : SyntaxFactory.EndOfLine("\n");
        if (updated.AttributeLists.Count > 1)
        {
            updated = updated.ReplaceNode(updated.AttributeLists[1], updated.AttributeLists[1].WithLeadingTrivia(newLine, indentation));
        }
        else if (updated.Modifiers.Count > 0)
        {
            updated = updated.WithModifiers(updated.Modifiers.Replace(updated.Modifiers[0], updated.Modifiers[0].WithLeadingTrivia(newLine, indentation)));
        }
        else
        {
            updated = updated.WithReturnType(updated.ReturnType.WithLeadingTrivia(newLine, indentation));
        }

        return updated;
    }
}
