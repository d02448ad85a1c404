#if !NET
namespace TypedSockets.Client;

/// <summary>netstandard2.1 shims of the .NET 6 <c>Task.WaitAsync</c> overloads: the task, or a cancellation when the token fires first.</summary>
internal static class TaskPolyfills
{
    public static Task WaitAsync(this Task task, CancellationToken cancellationToken) =>
        task.IsCompleted || !cancellationToken.CanBeCanceled ? task
        : cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken)
        : WaitSlowAsync(task, cancellationToken);

    public static Task<TResult> WaitAsync<TResult>(this Task<TResult> task, CancellationToken cancellationToken) =>
        task.IsCompleted || !cancellationToken.CanBeCanceled ? task
        : cancellationToken.IsCancellationRequested ? Task.FromCanceled<TResult>(cancellationToken)
        : WaitSlowAsync(task, cancellationToken);

    private static async Task WaitSlowAsync(Task task, CancellationToken cancellationToken)
    {
        await WhenCompletedOrCancelledAsync(task, cancellationToken).ConfigureAwait(false);
        await task.ConfigureAwait(false);
    }

    private static async Task<TResult> WaitSlowAsync<TResult>(Task<TResult> task, CancellationToken cancellationToken)
    {
        await WhenCompletedOrCancelledAsync(task, cancellationToken).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    private static async Task WhenCompletedOrCancelledAsync(Task task, CancellationToken cancellationToken)
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(true), cancelled))
        {
            if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
            {
                throw new TaskCanceledException("The wait was cancelled.", null, cancellationToken);
            }
        }
    }
}
#endif
