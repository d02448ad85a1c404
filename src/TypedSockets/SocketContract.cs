using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace TypedSockets;

/// <summary>Routes one incoming event to <paramref name="target"/>; false when the contract has no such event.</summary>
public delegate bool SocketEventDispatcher<in T>(T target, string eventName, SocketEventContext context, out ValueTask completion)
    where T : class;

/// <summary>
/// What the source generator produced for one <see cref="SocketEventsAttribute"/> interface: an emitter factory and a
/// dispatcher. Generated code registers it from a module initializer; servers and clients look it up without
/// reflection (Native AOT friendly).
/// </summary>
public sealed class SocketContract<T>
    where T : class
{
    private static SocketContract<T>? s_registered;

    /// <summary>
    /// Creates the contract for <typeparamref name="T"/>. Called by generated code, which then passes it to
    /// <see cref="Register(SocketContract{T})"/>; application code has no reason to call it.
    /// </summary>
    /// <param name="eventNames">The wire names of the contract's events, in declaration order.</param>
    /// <param name="createEmitter">Creates an implementation of <typeparamref name="T"/> that sends each call to a <see cref="SocketEventSink"/>.</param>
    /// <param name="dispatch">Routes an incoming event to the matching method of a <typeparamref name="T"/> implementation.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public SocketContract(string[] eventNames, Func<SocketEventSink, T> createEmitter, SocketEventDispatcher<T> dispatch)
    {
        ArgumentNullException.ThrowIfNull(eventNames);
        ArgumentNullException.ThrowIfNull(createEmitter);
        ArgumentNullException.ThrowIfNull(dispatch);
        EventNames = eventNames;
        CreateEmitter = createEmitter;
        Dispatch = dispatch;
    }

    /// <summary>The wire names of the contract's events, in declaration order.</summary>
    public IReadOnlyList<string> EventNames { get; }

    /// <summary>Creates an emitter: an implementation of <typeparamref name="T"/> that sends each call to <c>sink</c>.</summary>
    public Func<SocketEventSink, T> CreateEmitter { get; }

    /// <summary>Calls the method of a <typeparamref name="T"/> implementation an incoming event names.</summary>
    public SocketEventDispatcher<T> Dispatch { get; }

    /// <summary>Registers the generated contract (called by generated module initializers).</summary>
    public static void Register(SocketContract<T> contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        Volatile.Write(ref s_registered, contract);
    }

    /// <summary>The generated contract for <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not a [SocketEvents] interface compiled with the TypedSockets generator.</exception>
    public static SocketContract<T> Get()
    {
        if (TryGet(out var contract))
        {
            return contract;
        }

        throw new InvalidOperationException(
            $"{typeof(T)} has no generated socket contract: mark it [SocketEvents] and compile its assembly with the TypedSockets generator.");
    }

    /// <summary>The generated contract for <typeparamref name="T"/>, when there is one.</summary>
    public static bool TryGet([NotNullWhen(true)] out SocketContract<T>? contract)
    {
        contract = Volatile.Read(ref s_registered);
        if (contract is null)
        {
            // The generated registration lives in the module initializer of the interface's assembly.
            RuntimeHelpers.RunModuleConstructor(typeof(T).Module.ModuleHandle);
            contract = Volatile.Read(ref s_registered);
        }

        return contract is not null;
    }
}
