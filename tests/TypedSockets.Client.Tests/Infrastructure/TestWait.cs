using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client.Tests.Infrastructure;

internal static class TestWait
{
    /// <summary>The default bound of every wait in these tests.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The next occurrence of <paramref name="eventName"/> (register before triggering it).</summary>
    public static Task<SocketIOArguments> NextAsync(this SocketIOClientSocket socket, string eventName)
    {
        var tcs = new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        Action<SocketIOArguments>? handler = null;
        handler = args =>
        {
            if (tcs.TrySetResult(args))
            {
                socket.Off(eventName, handler!);
            }
        };
        socket.On(eventName, handler);
        return tcs.Task.WaitAsync(Timeout);
    }

    public static Task<T> WithTimeout<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task WithTimeout(this Task task) => task.WaitAsync(Timeout);

    /// <summary>Polls <paramref name="condition"/> until it holds (bounded).</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => UntilAsync(condition, () => what, timeout);

    /// <summary>Polls <paramref name="condition"/> until it holds (bounded); <paramref name="what"/> is read on failure. Forwards to <see cref="Eventually"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, Func<string> what, TimeSpan? timeout = null) => Eventually.TrueAsync(condition, what, timeout ?? Timeout);
}
