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
