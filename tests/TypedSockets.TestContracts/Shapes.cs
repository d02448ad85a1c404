// C# 9 on purpose (block namespace, explicit usings): TypedSockets.TestContracts.NetStandard compiles this file too.
using System;
using System.Threading;
using System.Threading.Tasks;

namespace TypedSockets.TestContracts
{
    /// <summary>A JSON argument and reply.</summary>
    public sealed record Sample(string Name, int[] Values);

    /// <summary>Client to server: one method per shape the generator supports.</summary>
    [SocketEvents]
    public interface IShapesServer
    {
        /// <summary>void: no ack.</summary>
        void Note(string text);

        /// <summary>Task: no ack.</summary>
        Task Touch(int n, long big, double ratio, bool flag);

        /// <summary>Task&lt;T&gt;: the server's result comes back as the ack.</summary>
        Task<int> Add(int a, int b);

        /// <summary>ValueTask&lt;T&gt; with a trailing CancellationToken and a custom wire name.</summary>
        [SocketEvent("echo:text")]
        ValueTask<string> Echo(string text, CancellationToken cancellationToken);

        /// <summary>Binary argument and binary reply.</summary>
        Task<byte[]> Reverse(byte[] data, ReadOnlyMemory<byte> suffix);

        /// <summary>A JSON object both ways.</summary>
        Task<Sample> Roundtrip(Sample value);

        /// <summary>Replies after <paramref name="delayMs"/>: the caller's token may stop waiting first.</summary>
        Task<bool> Slow(int delayMs, CancellationToken cancellationToken);

        /// <summary>Joins a room; the reply is the room's size.</summary>
        Task<int> Join(string room);
    }

    /// <summary>Server to client.</summary>
    [SocketEvents]
    public interface IShapesClient
    {
        void Notice(string text, int n);

        ValueTask Blob(byte[] data, ReadOnlyMemory<byte> extra);

        /// <summary>The client's answer goes back as the ack.</summary>
        Task<string> Ask(string question);

        /// <summary>The handler waits for the connection to go away (its CancellationToken).</summary>
        [SocketEvent("hold")]
        Task<bool> HoldUntilDisconnected(CancellationToken cancellationToken);
    }
}
