using System.Text;
using System.Threading.Channels;
using Chat.Client;

namespace TypedSockets.Samples.Tests;

/// <summary>
/// samples/Chat.Client (the typed console client: Chat.Contracts' generated emitter and dispatcher) against the chat
/// sample's server, in-process on a free port; stdin and stdout are replaced by a line channel and a buffer.
/// </summary>
public sealed class ChatConsoleClientTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    /// <summary>A console: lines typed in, lines printed out.</summary>
    private sealed class FakeConsole
    {
        private readonly Channel<string> _input = Channel.CreateUnbounded<string>();
        private readonly StringBuilder _output = new();

        public FakeConsole()
        {
            Input = new ChannelReader(_input.Reader);
            Output = TextWriter.Synchronized(new StringWriter(_output));
        }

        public TextReader Input { get; }

        public TextWriter Output { get; }

        public string Printed
        {
            get
            {
                lock (Output)
                {
                    return _output.ToString();
                }
            }
        }

        public void Type(string line) => _input.Writer.TryWrite(line);

        public void EndOfInput() => _input.Writer.TryComplete();

        public async Task WaitForAsync(string text)
        {
            await Eventually.TrueAsync(() => Printed.Contains(text, StringComparison.Ordinal), () => $"'{text}' is printed. Output:\n{Printed}", s_wait);
        }

        private sealed class ChannelReader(ChannelReader<string> lines) : TextReader
        {
            public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) =>
                await lines.WaitToReadAsync(cancellationToken) && lines.TryRead(out var line) ? line : null;
        }
    }

    private static Task<int> Run(ChatServer server, FakeConsole console, string name, string? room, CancellationToken cancellationToken = default) =>
        ChatConsole.RunAsync(new ChatClientOptions(server.Address, name, room), console.Input, console.Output, cancellationToken);

    [Fact]
    public async Task TwoConsoleClientsChatInARoomAndLeaveCleanly()
    {
        await using var server = await ChatServer.StartAsync();
        var bob = new FakeConsole();
        using var stopBob = new CancellationTokenSource();
        var bobRun = Run(server, bob, "bob", "blue", stopBob.Token);
        await bob.WaitForAsync("in #blue with bob");

        var alice = new FakeConsole();
        var aliceRun = Run(server, alice, "alice", "blue");
        await alice.WaitForAsync("in #blue with alice, bob");
        await bob.WaitForAsync("* alice joined #blue");

        alice.Type("hello bob");
        await bob.WaitForAsync("[blue] alice: hello bob");
        await alice.WaitForAsync("[blue] alice: hello bob");
        alice.Type("/rooms");
        await alice.WaitForAsync("blue (2)");
        alice.Type("/join   ");
        await alice.WaitForAsync("! commands: /join <room>, /leave, /rooms, /quit");
        alice.Type("/join " + new string('x', 500));
        await alice.WaitForAsync("! A room name has 1 to 24 letters");
        Assert.DoesNotContain("alice: /join", alice.Printed, StringComparison.Ordinal);

        // End of input: alice disconnects and bob hears about it.
        alice.EndOfInput();
        Assert.Equal(0, await aliceRun.WaitAsync(s_wait));
        Assert.EndsWith("bye" + Environment.NewLine, alice.Printed, StringComparison.Ordinal);
        await bob.WaitForAsync("* alice left #blue");

        // Ctrl+C: the token stops bob while he waits for input.
        stopBob.Cancel();
        Assert.Equal(0, await bobRun.WaitAsync(s_wait));
        Assert.EndsWith("bye" + Environment.NewLine, bob.Printed, StringComparison.Ordinal);
        await server.AssertEveryoneSignsOutAsync();
    }

    [Fact]
    public async Task ARefusedLoginEndsWithExitCode1()
    {
        await using var server = await ChatServer.StartAsync();
        var first = new FakeConsole();
        var firstRun = Run(server, first, "carol", null);
        await first.WaitForAsync("signed in as carol");

        var second = new FakeConsole();
        Assert.Equal(1, await Run(server, second, "Carol", null).WaitAsync(s_wait));
        Assert.Contains("! login refused: ", second.Printed, StringComparison.Ordinal);

        first.Type("/quit");
        Assert.Equal(0, await firstRun.WaitAsync(s_wait));
        await server.AssertEveryoneSignsOutAsync();
    }

    [Theory]
    [InlineData(new[] { "--room", "x" }, "--name is required")]
    [InlineData(new[] { "--name" }, "--name needs a value")]
    [InlineData(new[] { "--name", "a", "--url", "ftp://x" }, "--url expects an http(s) address")]
    [InlineData(new[] { "--nme", "a" }, "unknown argument '--nme'")]
    public void BadArgumentsAreRefused(string[] args, string expected)
    {
        Assert.False(ChatClientOptions.TryParse(args, out _, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentsHaveDefaults()
    {
        Assert.True(ChatClientOptions.TryParse(["--name", "dora"], out var options, out _));
        Assert.Equal(new ChatClientOptions(new Uri("http://localhost:5000"), "dora", null), options);
    }
}
