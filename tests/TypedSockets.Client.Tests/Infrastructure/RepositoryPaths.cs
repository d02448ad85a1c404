namespace TypedSockets.Client.Tests.Infrastructure;

internal static class RepositoryPaths
{
    /// <summary>The folder with the Node server script and its package.json (in the source tree).</summary>
    public static string NodeScripts => Path.Combine(RepositoryRoot.Path, "tests", "TypedSockets.Client.Tests", "node");
}
