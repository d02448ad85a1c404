using System.Collections.Concurrent;
using System.Diagnostics;

namespace TypedSockets.Server.Tests.Diagnostics;

/// <summary>An <see cref="ActivityListener"/> on one source that records every stopped span (all data requested).</summary>
internal sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;

    public ActivityRecorder(string sourceName)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity => Started.Enqueue(activity),
            ActivityStopped = activity => Stopped.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Started { get; } = new();

    public ConcurrentQueue<Activity> Stopped { get; } = new();

    /// <summary>Waits for a stopped span named <paramref name="name"/> that matches <paramref name="where"/>.</summary>
    public async Task<Activity> WaitForAsync(string name, Func<Activity, bool>? where = null, int timeoutMs = 10_000)
    {
        Activity? found = null;
        await SocketIO.SocketIOServerTests.WaitUntil(
            () => (found = Stopped.FirstOrDefault(a => a.OperationName == name && (where is null || where(a)))) is not null,
            timeoutMs);
        return found!;
    }

    public void Dispose() => _listener.Dispose();
}
