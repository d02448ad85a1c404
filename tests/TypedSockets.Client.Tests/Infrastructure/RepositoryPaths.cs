namespace TypedSockets.Client.Tests.Infrastructure;

internal static class RepositoryPaths
{
    /// <summary>The folder with the Node server script and its package.json (in the source tree).</summary>
    public static string NodeScripts { get; } = Path.Combine(FindRoot(), "tests", "TypedSockets.Client.Tests", "node");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TypedSockets.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"TypedSockets.sln not found above {AppContext.BaseDirectory}.");
    }
}
