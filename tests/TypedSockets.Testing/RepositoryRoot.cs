namespace TypedSockets.Testing;

/// <summary>The checkout the tests run from (the folder holding TypedSockets.sln).</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TypedSockets.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"TypedSockets.sln not found above {AppContext.BaseDirectory}: run the tests from the repository.");
    });

    public static string Path => s_root.Value;
}
