using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server;

public sealed partial class SocketIOSocket
{
    private SocketRateLimitState? _rateLimits; // created on the first event under a policy

    /// <summary>
    /// Acquires a permit of every policy that applies to <paramref name="evt"/>; when one refuses, the event is answered,
    /// counted, logged (once per burst) and, with <see cref="SocketRateLimitAction.Disconnect"/>, the socket disconnected.
    /// </summary>
    /// <returns>True when the event may run.</returns>
    private bool AcquireRateLimits(SocketRateLimitRules rules, SocketIOEvent evt)
    {
        if (Volatile.Read(ref _state) == 2)
        {
            return false; // disconnected (for example by a Disconnect policy): the rest of a flood reaches no handler
        }

        var state = Volatile.Read(ref _rateLimits) ?? CreateRateLimitState();
        if (rules.All is { } all && !TryAcquire(state, all))
        {
            OnRateLimited(state, all, evt);
            return false;
        }

        if (rules.ByEvent is { } byEvent && byEvent.TryGetValue(evt.Name, out var policies))
        {
            foreach (var policy in policies)
            {
                if (!TryAcquire(state, policy))
                {
                    OnRateLimited(state, policy, evt);
                    return false;
                }
            }
        }

        if (state.Logged)
        {
            state.Logged = false;
        }

        return true;
    }

    /// <summary>A permit of <paramref name="policy"/>; a limiter (or its factory) that throws is logged (once per socket) and lets the event through.</summary>
    private bool TryAcquire(SocketRateLimitState state, SocketRateLimitPolicyState policy)
    {
        try
        {
            return state.TryAcquire(this, policy);
        }
        catch (Exception e)
        {
            if (!state.FailureLogged)
            {
                state.FailureLogged = true;
                SocketIOLog.RateLimiterFailed(Server.Logger, policy.Name, Id, e);
            }

            return true;
        }
    }

    private SocketRateLimitState CreateRateLimitState()
    {
        var created = new SocketRateLimitState(Server.RateLimiters!.Count);
        return Interlocked.CompareExchange(ref _rateLimits, created, null) ?? created;
    }

    /// <summary>Returns the socket's rate limit partitions (it closed).</summary>
    private void ReleaseRateLimits() => Volatile.Read(ref _rateLimits)?.Release();

    private void OnRateLimited(SocketRateLimitState state, SocketRateLimitPolicyState policy, SocketIOEvent evt)
    {
        var disconnect = policy.Action == SocketRateLimitAction.Disconnect;
        Server.Metrics.EventLimited(Namespace.Name, policy.Name, disconnect);
        if (disconnect)
        {
            SocketIOLog.RateLimitDisconnect(Server.Logger, Id, Namespace.Name, policy.Name, evt.Name);
        }
        else if (!state.Logged)
        {
            state.Logged = true;
            SocketIOLog.RateLimited(Server.Logger, Id, Namespace.Name, policy.Name, evt.Name);
        }

        if (evt.HasAck)
        {
            evt.Ack(SocketIOErrorAnswer.ToArguments($"Rate limit exceeded for '{evt.Name}'.", SocketInvocationException.RateLimitedCode, data: null));
        }

        if (disconnect && Connected)
        {
            _client.Send(Server.Parser.EncodeDisconnect(Namespace.Name), isVolatile: false);
            OnClose(SocketDisconnectReasons.RateLimited);
        }
    }
}
