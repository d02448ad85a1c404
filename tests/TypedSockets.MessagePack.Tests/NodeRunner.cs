namespace TypedSockets.MessagePack.Tests;

/// <summary>The scripts of <c>node/</c> (pinned socket.io-msgpack-parser, socket.io, socket.io-client), run with <see cref="NodeScripts"/>.</summary>
internal static class NodeRunner
{
    public static string ScriptsFolder => Path.Combine(RepositoryRoot.Path, "tests", "TypedSockets.MessagePack.Tests", "node");

    /// <summary>Runs <paramref name="script"/> to completion.</summary>
    public static Task<NodeResult> RunAsync(string script, IReadOnlyList<string> args, TimeSpan timeout) =>
        NodeScripts.RunAsync(ScriptsFolder, script, args, timeout);

    /// <summary>Starts <paramref name="script"/> and leaves it running (a Node server); the caller disposes it.</summary>
    public static Task<NodeProcess> StartAsync(string script, IReadOnlyList<string> args) =>
        NodeScripts.StartAsync(ScriptsFolder, script, args);
}
