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
}
