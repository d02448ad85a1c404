using System.Diagnostics;
using TypedSockets.LoadTest.Protocols;
using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Scenarios;

/// <summary>Opens many clients with a bounded number of handshakes in flight.</summary>
public static class ClientPool
{
    public sealed record ConnectResult(LoadClient[] Clients, int Failures, TimeSpan Elapsed, string? FirstError);

    public static async Task<ConnectResult> ConnectAsync(
        ScenarioOptions options, TargetProtocol protocol, IClientEvents events, int count, int firstIndex, CancellationToken cancellationToken)
    {
        var slots = new SemaphoreSlim(options.ConnectConcurrency);
        var clients = new LoadClient?[count];
        var failures = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        var tasks = new Task[count];
        for (var i = 0; i < count; i++)
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                var client = new LoadClient(firstIndex + index, protocol, events);
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(options.ConnectTimeout);
                    await client.ConnectAsync(options.SourceAddress(firstIndex + index), options.Server, timeout.Token).ConfigureAwait(false);
                    await client.Ready.WaitAsync(timeout.Token).ConfigureAwait(false);
                    clients[index] = client;
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
                    client.Close();
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new ConnectResult([.. clients.OfType<LoadClient>()], failures, elapsed, firstError);
    }

    public static void CloseAll(IEnumerable<LoadClient> clients)
    {
        foreach (var client in clients)
        {
            client.Close();
        }
    }
}
