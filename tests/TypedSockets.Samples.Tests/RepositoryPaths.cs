namespace TypedSockets.Samples.Tests;

/// <summary>Folders of the repository the tests run from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The chat sample's project folder: its content root (wwwroot).</summary>
    public static string ChatServer => Path.Combine(RepositoryRoot.Path, "samples", "Chat.Server");

    /// <summary>The Node scripts of these tests and their package.json.</summary>
    public static string NodeScripts => Path.Combine(RepositoryRoot.Path, "tests", "TypedSockets.Samples.Tests", "node");
}
