#if !NET
namespace System.Threading.Tasks;

/// <summary>netstandard2.1 shim of the .NET 5 non-generic <c>TaskCompletionSource</c>, over <see cref="TaskCompletionSource{TResult}"/>.</summary>
internal sealed class TaskCompletionSource
{
    private readonly TaskCompletionSource<bool> _source;

    public TaskCompletionSource() => _source = new TaskCompletionSource<bool>();

    public TaskCompletionSource(TaskCreationOptions creationOptions) => _source = new TaskCompletionSource<bool>(creationOptions);

    public Task Task => _source.Task;

    public bool TrySetResult() => _source.TrySetResult(true);

    public void SetResult() => _source.SetResult(true);

    public bool TrySetException(Exception exception) => _source.TrySetException(exception);

    public void SetException(Exception exception) => _source.SetException(exception);

    public bool TrySetCanceled() => _source.TrySetCanceled();

    public bool TrySetCanceled(CancellationToken cancellationToken) => _source.TrySetCanceled(cancellationToken);

    public void SetCanceled() => _source.SetCanceled();
}
#endif
