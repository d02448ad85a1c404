using TypedSockets.Server.Diagnostics;

namespace TypedSockets.Server;

/// <summary>
/// Routes one socket's events of contract <typeparamref name="T"/> to a target through the generated dispatcher: hub
/// filters around each call, and one call at a time with serial dispatch. Failures (a refused binding, a handler that
/// throws) leave through the returned task to the socket, which logs, counts and answers them.
/// </summary>
internal sealed class TypedEventDispatcher<T>
    where T : class
{
    private readonly SocketContract<T> _contract;
    private readonly T _target;
    private readonly SocketHub? _hub;
    private readonly ISocketHubFilter[] _filters;
    private readonly Func<string, Exception, object?>? _argumentsInvalid;
    private readonly Lock? _serialGate;
    private Task _tail = Task.CompletedTask; // serial dispatch: the call the next one waits for

    public TypedEventDispatcher(T target, SocketHub? hub, ISocketHubFilter[] filters, bool serialDispatch, Func<string, Exception, object?>? argumentsInvalid)
    {
        _contract = SocketContract<T>.Get();
        _target = target;
        _hub = hub;
        _filters = filters;
        _argumentsInvalid = argumentsInvalid;
        _serialGate = serialDispatch ? new Lock() : null;
    }

    public void Register(SocketIOSocket socket)
    {
        Func<SocketIOEvent, ValueTask> handler = _serialGate is null ? Invoke : Enqueue;
        foreach (var name in _contract.EventNames)
        {
            socket.On(name, handler);
        }
    }

    /// <summary>Serial dispatch: completes when the calls started so far have finished (whatever their outcome).</summary>
    public Task WhenIdleAsync()
    {
        lock (_serialGate!)
        {
            return _tail.IsCompleted ? Task.CompletedTask : WaitAsync(_tail);
        }

        static async Task WaitAsync(Task tail) => await tail.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Serial dispatch: runs the call after the previous one of this socket has finished, without blocking the caller.</summary>
    private ValueTask Enqueue(SocketIOEvent evt)
    {
        lock (_serialGate!)
        {
            var previous = _tail;
            if (previous.IsCompleted)
            {
                ValueTask run;
                try
                {
                    run = Invoke(evt);
                }
                catch (Exception e)
                {
                    return ValueTask.FromException(e);
                }

                if (run.IsCompleted)
                {
                    return run;
                }

                var task = run.AsTask();
                _tail = task;
                return new ValueTask(task);
            }

            var next = RunAfterAsync(previous, evt);
            _tail = next;
            return new ValueTask(next);
        }
    }

    private async Task RunAfterAsync(Task previous, SocketIOEvent evt)
    {
        // The previous call's failure was reported by the socket already; this call runs regardless.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (evt.Socket.Connected)
        {
            await Invoke(evt).ConfigureAwait(false);
        }
    }

    private ValueTask Invoke(SocketIOEvent evt)
    {
        if (evt.Activity is { IsAllDataRequested: true } activity)
        {
            DescribeSpan(activity, evt.Name);
        }

        return _filters.Length == 0 ? Dispatch(evt) : InvokeFilteredAsync(evt);
    }

    /// <summary>Names the event span after the hub (or contract) and the event: both bounded by the contract.</summary>
    private void DescribeSpan(System.Diagnostics.Activity activity, string eventName)
    {
        var service = _hub?.GetType().Name ?? typeof(T).Name;
        activity.DisplayName = service + "/" + eventName;
        activity.SetTag(ServerActivities.RpcServiceTag, service);
        if (_hub is not null)
        {
            activity.SetTag(ServerActivities.HubTag, service);
        }
    }

    private async ValueTask InvokeFilteredAsync(SocketIOEvent evt)
    {
        await InvokeFilter(0, new SocketHubInvocationContext(_hub!, evt)).ConfigureAwait(false);

        // A filter that returned without calling next skipped the method: the caller still gets an answer.
        if (evt.HasAck && !evt.IsAcknowledged)
        {
            evt.Ack();
        }
    }

    private ValueTask InvokeFilter(int index, SocketHubInvocationContext context) =>
        index == _filters.Length
            ? Dispatch(context.Event)
            : _filters[index].InvokeMethodAsync(context, next => InvokeFilter(index + 1, next));

    private ValueTask Dispatch(SocketIOEvent evt)
    {
        var context = new SocketIOEventContext(evt);
        try
        {
            return _contract.Dispatch(_target, evt.Name, context, out var completion) ? completion : ValueTask.CompletedTask;
        }
        catch (SocketInvocationException e) when (_argumentsInvalid is not null && ReferenceEquals(e, context.BindingError))
        {
            // The generated dispatcher binds every argument before the call, so the method did not run.
            if (_argumentsInvalid(evt.Name, e) is not { } reply)
            {
                throw;
            }

            evt.Ack(reply);
            return ValueTask.CompletedTask;
        }
    }
}
