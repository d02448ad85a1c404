namespace TypedSockets.Samples.Tests;

/// <summary>The Node scripts in <see cref="RepositoryPaths.NodeScripts"/>, run with <see cref="NodeScripts"/>.</summary>
internal static class NodeRunner
{
    public static Task<NodeResult> RunAsync(string script, IReadOnlyList<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null) =>
        NodeScripts.RunAsync(RepositoryPaths.NodeScripts, script, args, timeout, environment);
}
