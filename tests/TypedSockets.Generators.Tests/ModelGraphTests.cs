using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace TypedSockets.Generators.Tests;

/// <summary>No pipeline output holds a symbol, syntax node, location or compilation (they would defeat caching).</summary>
public sealed class ModelGraphTests
{
    [Fact]
    public void PipelineModelsHoldNoCompilerObjects()
    {
        var (driver, _, _) = GeneratorHarness.Run(GeneratorHarness.Compile(Sources.Chat));
        var result = driver.GetRunResult().Results.Single();
        var visited = 0;
        foreach (var name in new[] { TrackingNames.Contracts, TrackingNames.ValidContracts })
        {
            foreach (var step in result.TrackedSteps[name])
            {
                foreach (var (value, _) in step.Outputs)
                {
                    visited += Walk(value, new HashSet<object>(ReferenceEqualityComparer.Instance), "model");
                }
            }
        }

        Assert.True(visited > 20, $"Only {visited} objects were walked.");
    }

    private static int Walk(object? value, HashSet<object> seen, string path)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return 1;
        }

        Assert.False(value is ISymbol or SyntaxNode or Location or Compilation or SemanticModel or SyntaxTree,
            $"{path} is a {value.GetType()}: pipeline models must hold strings, primitives and equatable arrays only.");
        if (!value.GetType().IsValueType && !seen.Add(value))
        {
            return 0;
        }

        var count = 1;
        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                count += Walk(item, seen, $"{path}[{i++}]");
            }

            return count;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
            {
                count += Walk(property.GetValue(value), seen, path + "." + property.Name);
            }
        }

        return count;
    }
}
