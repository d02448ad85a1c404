namespace TypedSockets.Generators.Tests;

/// <summary>
/// What the generated code does with method bodies, ValueTask results and value-type arguments: checked in the text
/// and by running the generated dispatcher and emitter in process.
/// </summary>
public sealed class GeneratedShapeTests
{
    private const string Prelude = """
        #nullable enable
        using System.Threading;
        using System.Threading.Tasks;
        using TypedSockets;

        """;

    private const string FakeSink = """
        public sealed class FakeSink : SocketEventSink
        {
            public readonly System.Collections.Generic.List<string> Sent = new();
            private string _name = "";
            public override SocketEventWriter BeginEvent(SocketEventName name) { _name = name.Name; return new FakeWriter(); }
            public override bool Send(SocketEventWriter writer) { Sent.Add(_name + "(" + string.Join(",", ((FakeWriter)writer).Values) + ")"); return true; }
            public override Task<T> SendWithAckAsync<T>(SocketEventWriter writer, CancellationToken cancellationToken) => throw new System.NotSupportedException();
        }

        """;

    private const string WithBodies = """
        [SocketEvents]
        public interface IGreeter
        {
            void Say(string text);
            void Say(int number) => Say(number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            void Hello() => Say("hello");
            int Helper() => 42;
        }

        """;

    [Fact]
    public async Task MethodsWithABodyAreNotEventsAndCompileWithoutDiagnostics()
    {
        var problems = await GeneratorHarness.ProblemsAsync(Prelude + WithBodies);
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(p => p.ToString())));
        var text = GeneratorHarness.GeneratedText(Prelude + WithBodies, "IGreeter");
        Assert.Contains("new string[] { \"say\" }", text);
        Assert.DoesNotContain("\"hello\"", text);
        Assert.DoesNotContain("\"helper\"", text);
    }

    [Fact]
    public void AMethodWithABodyRunsOnTheEmitterAndIsNotDispatched()
    {
        var result = GeneratorHarness.RunProbe(Prelude + WithBodies + Sources.FakeContext + FakeSink + """
            public sealed class Greeter : IGreeter { public string Seen = ""; public void Say(string text) => Seen += text; }

            public static class Probe
            {
                public static string Run()
                {
                    var contract = SocketContract<IGreeter>.Get();
                    var sink = new FakeSink();
                    var emitter = contract.CreateEmitter(sink);
                    emitter.Hello();
                    emitter.Say(7);
                    var handled = contract.Dispatch(new Greeter(), "hello", new FakeContext(), out _);
                    return string.Join(";", sink.Sent) + "|" + handled;
                }
            }
            """);
        Assert.Equal("say(hello);say(7)|False", result);
    }

    private const string ValueTasks = """
        [SocketEvents]
        public interface IWorker
        {
            ValueTask Work(int amount);
            ValueTask<int> Double(int amount);
            Task<string?> Name(string? prefix);
        }

        """;

    [Fact]
    public void ValueTaskMethodsAreDispatchedWithoutAStateMachineWhenTheyCompleteSynchronously()
    {
        var text = GeneratorHarness.GeneratedText(Prelude + ValueTasks, "IWorker");
        Assert.Contains("if (__task.IsCompletedSuccessfully)", text);
        Assert.Contains("var __result = __task.Result;", text);
        Assert.DoesNotContain("Invoke_Work(target, context)", text);
        Assert.DoesNotContain("Invoke_Double(target, context)", text);
    }

    [Fact]
    public void ValueTaskMethodsAcknowledgeOnBothTheSynchronousAndTheAsynchronousPath()
    {
        var result = GeneratorHarness.RunProbe(Prelude + ValueTasks + Sources.FakeContext + """
            public sealed class Worker : IWorker
            {
                public bool Yield;
                public int Done;
                public async ValueTask Work(int amount) { if (Yield) await Task.Yield(); Done += amount; }
                public async ValueTask<int> Double(int amount) { if (Yield) await Task.Yield(); return amount * 2; }
                public Task<string?> Name(string? prefix) => Task.FromResult<string?>(prefix + "x");
            }

            public static class Probe
            {
                public static string Run()
                {
                    var contract = SocketContract<IWorker>.Get();
                    var log = new System.Collections.Generic.List<string>();
                    foreach (var yield in new[] { false, true })
                    {
                        var worker = new Worker { Yield = yield };
                        var work = new FakeContext(3);
                        contract.Dispatch(worker, "work", work, out var completion);
                        completion.GetAwaiter().GetResult();
                        var twice = new FakeContext(21);
                        contract.Dispatch(worker, "double", twice, out completion);
                        completion.GetAwaiter().GetResult();
                        log.Add(worker.Done + ":" + work.Ack!.Values.Count + ":" + twice.Ack!.Values[0]);
                    }

                    return string.Join(" ", log);
                }
            }
            """);
        Assert.Equal("3:0:42 3:0:42", result);
    }

    [Fact]
    public void ParametersThatTakeNullAreReadWithGetArgumentAndTheOthersAreRequired()
    {
        var text = GeneratorHarness.GeneratedText(Prelude + ValueTasks + "[SocketEvents] public interface IMixed { void A(int n, string s, System.DateTime at, int? maybe, string? text); }", "IMixed");
        Assert.Contains("int __arg0 = context.GetRequiredArgument<int>(0, \"n\");", text);
        Assert.Contains("string __arg1 = context.GetRequiredArgument<string>(1, \"s\");", text);
        Assert.Contains("global::System.DateTime __arg2 = context.GetRequiredArgument<global::System.DateTime>(2, \"at\");", text);
        Assert.Contains("int? __arg3 = context.GetArgument<int?>(3, \"maybe\");", text);
        Assert.Contains("string? __arg4 = context.GetArgument<string?>(4, \"text\");", text);
        Assert.Contains("target.A(__arg0, __arg1, __arg2, __arg3, __arg4);", text);
    }

    [Fact]
    public void AReferenceTypeDeclaredWithNullableAnnotationsOffTakesNull()
    {
        var text = GeneratorHarness.GeneratedText(Prelude + ValueTasks + "#nullable disable\n[SocketEvents] public interface IOld { void A(string s, int n); }", "IOld");
        Assert.Contains("string __arg0 = context.GetArgument<string>(0, \"s\")!;", text);
        Assert.Contains("int __arg1 = context.GetRequiredArgument<int>(1, \"n\");", text);
    }
}
