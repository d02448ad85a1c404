namespace TypedSockets.Samples.Tests;

/// <summary>Folders of the repository the tests run from (found by walking up to TypedSockets.sln).</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    /// <summary>The chat sample's project folder: its content root (wwwroot).</summary>
    public static string ChatServer => Path.Combine(Root, "samples", "Chat.Server");

    /// <summary>The Node scripts of these tests and their package.json.</summary>
    public static string NodeScripts => Path.Combine(Root, "tests", "TypedSockets.Samples.Tests", "node");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TypedSockets.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"TypedSockets.sln not found above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
