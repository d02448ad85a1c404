namespace TypedSockets.Samples.Tests;

/// <summary>
/// The chat page (samples/Chat.Server/Client/app.ts) is typed by the TypeScript generated from the chat contracts, and
/// Chat.Server's build type-checks it (target ChatBuildPage): a contract change that breaks the page fails the build.
/// These tests run the build's tsc step over a copy of the page with the generated file as it is and as a contract
/// change would leave it.
/// </summary>
public sealed class ChatPageTypeCheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("typedsockets-chatpage-").FullName;

    [Fact]
    public async Task PageTypeChecksAgainstTheGeneratedContracts()
    {
        var result = await TypeCheckAsync(contracts => contracts);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task RenamedDtoPropertyFailsTheTypeCheckWithTscError()
    {
        // What renaming LoginRequest.Username to UserName in Chat.Contracts does to the generated file.
        var result = await TypeCheckAsync(contracts => Replace(contracts, "export interface LoginRequest {\n    username: string;", "export interface LoginRequest {\n    userName: string;"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Client/app.ts(", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("'username' does not exist in type 'LoginRequest'", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenamedEventFailsTheTypeCheck()
    {
        // What [SocketEvent("post")] on IChatService.Post (the page emits "message") does to the generated file.
        var result = await TypeCheckAsync(contracts => Replace(contracts, "    message: (request: PostRequest", "    post: (request: PostRequest"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Client/app.ts(", result.StandardOutput, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Replace(string text, string oldValue, string newValue)
    {
        Assert.Contains(oldValue, text, StringComparison.Ordinal);
        return text.Replace(oldValue, newValue, StringComparison.Ordinal);
    }

    /// <summary>
    /// Lays out Chat.Server's page sources and the (changed) contracts file side by side as in the repository, with the
    /// sample's installed node_modules linked in, and runs the build's tsc command there.
    /// </summary>
    private async Task<NodeResult> TypeCheckAsync(Func<string, string> changeContracts)
    {
        await NodeScripts.EnsurePackagesAsync(RepositoryPaths.ChatServer);
        var server = Directory.CreateDirectory(Path.Combine(_root, "Chat.Server")).FullName;
        var contractsFolder = Directory.CreateDirectory(Path.Combine(_root, "Chat.Contracts")).FullName;
        Directory.CreateDirectory(Path.Combine(server, "Client"));
        File.Copy(Path.Combine(RepositoryPaths.ChatServer, "tsconfig.json"), Path.Combine(server, "tsconfig.json"));
        foreach (var source in Directory.GetFiles(Path.Combine(RepositoryPaths.ChatServer, "Client"), "*.ts"))
        {
            File.Copy(source, Path.Combine(server, "Client", Path.GetFileName(source)));
        }

        Directory.CreateSymbolicLink(Path.Combine(server, "node_modules"), Path.Combine(RepositoryPaths.ChatServer, "node_modules"));
        var contracts = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "samples", "Chat.Contracts", "chat-contracts.ts"));
        await File.WriteAllTextAsync(Path.Combine(contractsFolder, "chat-contracts.ts"), changeContracts(contracts.Replace("\r\n", "\n", StringComparison.Ordinal)));

        // The command of ChatBuildPage in Chat.Server.csproj.
        await using var tsc = TestProcess.Start("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json", "--pretty", "false"], server);
        tsc.CloseInput();
        var exited = await tsc.TryWaitForExitAsync(TimeSpan.FromMinutes(2));
        return new NodeResult(tsc.CommandLine, exited ? tsc.ExitCode : -1, tsc.StandardOutput, tsc.StandardError, !exited);
    }
}
