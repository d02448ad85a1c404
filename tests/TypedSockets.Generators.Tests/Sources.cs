namespace TypedSockets.Generators.Tests;

internal static class Sources
{
    public const string Chat = """
        using System.Threading;
        using System.Threading.Tasks;
        using TypedSockets;

        namespace Demo;

        public sealed record ChatMessage(string User, string Text);

        [SocketEvents]
        public interface IChatClient
        {
            void Message(ChatMessage message);
            [SocketEvent("user:joined")] void UserJoined(string name, int online);
            Task<bool> ConfirmLeave(string reason, CancellationToken ct);
            ValueTask Ping(long at, double load, bool urgent);
            void Upload(byte[]? data, System.ReadOnlyMemory<byte> extra);
        }

        [SocketEvents]
        internal interface IChatServer
        {
            void Send(string room, string? text);
            Task<int> Count(string room);
            ValueTask<ChatMessage?> Last(string room, CancellationToken cancellationToken);
            Task Leave();
        }
        """;

    /// <summary>Contracts with one baseline directory each (GeneratorBaselineTests.ContractsMatchTheirBaselines).</summary>
    public static readonly IReadOnlyDictionary<string, string> BaselineCases = new Dictionary<string, string>
    {
        ["Streams"] = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Channels;
            using System.Threading.Tasks;
            using TypedSockets;

            namespace Demo.Streams;

            public sealed record Chunk(int Index, byte[] Data);

            [SocketEvents]
            public interface IFeed
            {
                IAsyncEnumerable<double> Ticks(string symbol, CancellationToken cancellationToken);
                ChannelReader<string> Lines(int count);
                Task Upload(IAsyncEnumerable<Chunk> chunks);
                Task<int> Count(string name, ChannelReader<Chunk> chunks, CancellationToken cancellationToken);
                ValueTask<long> Total(IAsyncEnumerable<int> numbers);
            }
            """,
        ["NestedTypes"] = """
            using System.Threading.Tasks;
            using TypedSockets;

            namespace Demo.Nested;

            public static class Outer
            {
                [SocketEvents]
                public interface IEvents { void Tick(int count); }

                internal static class Inner
                {
                    [SocketEvents]
                    internal interface IDeep { Task<string> Echo(string text); }
                }
            }
            """,
        ["GlobalNamespace"] = """
            using System.Threading.Tasks;
            using TypedSockets;

            [SocketEvents]
            public interface IGlobalEvents
            {
                void Hello(string name);
                ValueTask<int> Add(int a, int b);
            }
            """,
        ["Binary"] = """
            using System;
            using System.Threading.Tasks;
            using TypedSockets;

            namespace Demo.Binary;

            [SocketEvents]
            public interface IFiles
            {
                void Upload(string name, byte[] content, byte[]? thumbnail);
                void Chunk(ReadOnlyMemory<byte> chunk, Memory<byte> scratch);
                Task<byte[]> Download(string name);
            }
            """,
        ["KeywordNames"] = """
            using System.Threading.Tasks;
            using TypedSockets;

            namespace Demo.Keywords;

            [SocketEvents]
            public interface IKeywords
            {
                void @class(string @event, int @int);
                void @event(bool @bool);
                Task<int> @return(string @default, string @this);
            }
            """,
        ["OptionalParameters"] = """
            using System.Threading;
            using System.Threading.Tasks;
            using TypedSockets;

            namespace Demo.Optional;

            public enum Priority { Low, Normal = 5, High = 10 }

            [SocketEvents]
            public interface INotifications
            {
                void Notify(string text, int priority = 5, string? tag = null, Priority level = Priority.Normal, double ratio = 0.5, System.DateTime at = default);
                Task<bool> Confirm(string text, bool strict = true, CancellationToken cancellationToken = default);
                ValueTask<long> Count(long from = -1L);
            }
            """,
        ["InterfaceInheritance"] = """
            using System.Threading.Tasks;
            using TypedSockets;

            namespace Demo.Inheritance;

            public interface IPresence { void Online(string user); }

            public interface IPing { Task<long> Ping(long at); }

            [SocketEvents]
            public interface IRoomEvents : IPresence, IPing
            {
                void Message(string user, string text);
            }
            """,
    };

    /// <summary>
    /// A <c>SocketEventContext</c> over given argument values, for probes that call a generated dispatcher in process
    /// (<see cref="GeneratorHarness.RunProbe"/>). Acknowledgements are recorded as the written values.
    /// </summary>
    public const string FakeContext = """
        public sealed class FakeArguments : global::TypedSockets.ISocketEventArguments
        {
            private readonly object?[] _values;
            public FakeArguments(object?[] values) => _values = values;
            public int Count => _values.Length;
            public T? Get<T>(int index) => (T?)_values[index];
        }

        public sealed class FakeWriter : global::TypedSockets.SocketEventWriter
        {
            public readonly global::System.Collections.Generic.List<object?> Values = new();
            public override void WriteNull() => Values.Add(null);
            public override void WriteString(string? value) => Values.Add(value);
            public override void WriteBoolean(bool value) => Values.Add(value);
            public override void WriteInt32(int value) => Values.Add(value);
            public override void WriteInt64(long value) => Values.Add(value);
            public override void WriteDouble(double value) => Values.Add(value);
            public override void WriteBinary(global::System.ReadOnlyMemory<byte> value) => Values.Add(value.ToArray());
            public override void Write<T>(T value) => Values.Add(value);
        }

        public sealed class FakeContext : global::TypedSockets.SocketEventContext
        {
            public FakeContext(params object?[] values) => Arguments = new FakeArguments(values);
            public override global::TypedSockets.ISocketEventArguments Arguments { get; }
            public override bool HasAck => true;
            public override global::System.Threading.CancellationToken Aborted => default;
            public FakeWriter? Ack { get; private set; }
            public override global::TypedSockets.SocketEventWriter BeginAck() => new FakeWriter();
            public override bool SendAck(global::TypedSockets.SocketEventWriter writer) { Ack = (FakeWriter)writer; return true; }
        }
        """;
}
