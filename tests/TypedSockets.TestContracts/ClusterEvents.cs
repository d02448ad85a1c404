// C# 9 style, like Shapes.cs.
using System.Threading.Tasks;

namespace TypedSockets.TestContracts
{
    /// <summary>Server-to-server events of the Redis cluster tests (the Node peer answers <c>server-ping</c> and logs <c>typed-note</c>).</summary>
    [SocketEvents]
    public interface IClusterEvents
    {
        /// <summary>No reply.</summary>
        [SocketEvent("typed-note")]
        void Note(string text);

        /// <summary>One reply per other server: "dotnet:" or "node:" + <paramref name="arg"/>.</summary>
        [SocketEvent("server-ping")]
        Task<string> Ping(string arg);

        /// <summary>Answered by typed handlers only.</summary>
        [SocketEvent("typed-ask")]
        Task<string> Ask(string question);
    }
}
