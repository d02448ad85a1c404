using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server;

/// <summary>
/// Socket.IO server settings; bound from the "TypedSockets" configuration section by <c>AddTypedSockets</c>.
/// Defaults are the reference server's.
/// </summary>
public sealed class SocketIOServerOptions : EngineIOOptions
{
    /// <summary>The configuration section options are bound from.</summary>
    public const string SectionName = "TypedSockets";

    /// <summary>How long a new connection may wait before joining a namespace; then it is closed. Default 45 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Most binary attachments one packet may announce. Default 10.</summary>
    public int MaxAttachments { get; set; } = SocketIODecoder.DefaultMaxAttachments;

    /// <summary>
    /// The packet format. Default: the JSON parser (npm socket.io-parser) with <see cref="JsonSerializerOptions"/>.
    /// </summary>
    public SocketIOParser? Parser { get; set; }

    /// <summary>
    /// Options for the default JSON parser; ignored when <see cref="Parser"/> is set. Default:
    /// <see cref="JsonSocketIOParser.CreateSerializerOptions"/> (web defaults, relaxed escaping) with no resolver, so
    /// types are serialized by reflection when the app allows it. Under Native AOT and trimming, register the app's
    /// source-generated context: <c>o.JsonSerializerOptions.TypeInfoResolverChain.Add(AppJsonContext.Default)</c>
    /// (then every event type must be in it; a missing one fails with a <see cref="SocketIOJsonMetadataException"/>
    /// naming it).
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = JsonSocketIOParser.CreateSerializerOptions();

    /// <summary>
    /// How long the server waits for a client's acknowledgement when the call gives no timeout of its own: typed
    /// <c>Task&lt;T&gt;</c> calls on a client's emitter, <c>EmitWithAckAsync</c> without a timeout, and acknowledged
    /// broadcasts without <c>Timeout(...)</c>. Default 30 s; then the call fails with a <see cref="SocketAckTimeoutException"/>
    /// (a broadcast reports the sockets that did not answer as timed out). Null or <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits until the socket disconnects (a broadcast without a timeout then throws <see cref="InvalidOperationException"/>).
    /// </summary>
    public TimeSpan? DefaultAckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When true, the error answer to an acknowledged event whose handler threw (anything but a
    /// <see cref="SocketInvocationException"/>) carries the exception's type and message; when false (the default) the
    /// caller gets only "An error occurred while handling 'event'." with code <c>internal_error</c>. The exception is
    /// logged either way. Enable in development only: exception messages can reveal internals.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    private List<SocketHubFilterRegistration>? _hubFilters;

    /// <summary>The hub filters of every hub, outermost first (see <see cref="AddFilter{TFilter}"/>).</summary>
    internal IReadOnlyList<SocketHubFilterRegistration> HubFilters => _hubFilters ?? [];

    /// <summary>
    /// Adds a filter around every hub method call and hub connect/disconnect of every namespace mapped with
    /// <c>MapNamespace&lt;THub&gt;</c>: created once per connected client from its scoped services (constructor
    /// injection). Filters run in the order added, those added here before the hub's own.
    /// </summary>
    public SocketIOServerOptions AddFilter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter>()
        where TFilter : class, ISocketHubFilter
    {
        (_hubFilters ??= []).Add(SocketHubFilterRegistration.ForType<TFilter>());
        return this;
    }

    /// <summary>Adds <paramref name="filter"/>, one instance shared by every client (it must be thread safe); see <see cref="AddFilter{TFilter}"/>.</summary>
    public SocketIOServerOptions AddFilter(ISocketHubFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        (_hubFilters ??= []).Add(SocketHubFilterRegistration.ForInstance(filter));
        return this;
    }

    /// <summary>Connection state recovery; null (the default) disables it.</summary>
    public ConnectionStateRecoveryOptions? ConnectionStateRecovery { get; set; }

    /// <summary>
    /// Limits of the typed streams of each socket: the credit window per stream and the number of open streams
    /// (docs/streaming.md). Bound from the <c>Streams</c> section.
    /// </summary>
    public TypedSockets.Streaming.SocketStreamOptions Streams { get; set; } = new();

    /// <summary>
    /// Whether a child of a dynamic namespace (<c>Of(regex)</c>, <c>Of(predicate)</c>) is removed when its last socket
    /// leaves or its connect attempt fails. Default true (Node's <c>cleanupEmptyChildNamespaces</c> defaults to false):
    /// children share their parent's middlewares and handlers, so a child created again behaves the same, while a
    /// server that keeps every child grows with every name a client asks for. Set false to keep state an app hangs on
    /// a child object.
    /// </summary>
    public bool CleanupEmptyChildNamespaces { get; set; } = true;

    /// <summary>
    /// Most children each dynamic namespace may have alive at once; a CONNECT that would create one more gets the
    /// CONNECT_ERROR "Invalid namespace" (and one warning is logged). Default 10,000.
    /// </summary>
    public int MaxChildNamespaces { get; set; } = 10_000;

    /// <summary>
    /// Most asynchronous event handlers (and event middleware chains) of one connection that may be running at once;
    /// past it the server stops reading from that client until one ends (backpressure: nothing is queued without bound).
    /// A handler awaiting something only that client can send (an ack of <c>EmitWithAckAsync</c>, stream credit) counts
    /// as pending: keep this above the number of such handlers a client may run at once (and above
    /// <see cref="TypedSockets.Streaming.SocketStreamOptions.MaxStreams"/>), or give those acks a timeout. Default 64.
    /// </summary>
    public int MaxPendingHandlersPerConnection { get; set; } = 64;

    /// <summary>
    /// Most event handlers running their synchronous part at once on the whole server. An event that finds no slot
    /// free waits without holding a thread, and its connection stops reading meanwhile, so handlers that block (which
    /// they must not) hold at most this many thread-pool threads, and the handshakes and heartbeats of other clients
    /// go on. Default <see cref="Environment.ProcessorCount"/> × 2.
    /// </summary>
    public int MaxConcurrentHandlers { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>
    /// Limits on the events clients send: named policies (token bucket, fixed window, or any <c>RateLimiter</c>) applied
    /// per namespace, per event, or by default to every namespace; per socket or per user; over the limit an event is
    /// dropped or its socket disconnected. Nothing is limited unless a policy is applied (see <see cref="SocketRateLimitOptions"/>).
    /// Configured in code only.
    /// </summary>
    public SocketRateLimitOptions RateLimiting { get; set; } = new();

    /// <summary>Copies every setting onto <paramref name="target"/>.</summary>
    public void CopyTo(SocketIOServerOptions target)
    {
        base.CopyTo(target);
        target.ConnectTimeout = ConnectTimeout;
        target.MaxAttachments = MaxAttachments;
        target.Parser = Parser;
        target.JsonSerializerOptions = JsonSerializerOptions;
        target.DefaultAckTimeout = DefaultAckTimeout;
        target.EnableDetailedErrors = EnableDetailedErrors;
        target._hubFilters = _hubFilters is null ? null : [.. _hubFilters];
        target.ConnectionStateRecovery = ConnectionStateRecovery;
        target.Streams = Streams;
        target.CleanupEmptyChildNamespaces = CleanupEmptyChildNamespaces;
        target.MaxChildNamespaces = MaxChildNamespaces;
        target.MaxPendingHandlersPerConnection = MaxPendingHandlersPerConnection;
        target.MaxConcurrentHandlers = MaxConcurrentHandlers;
        target.RateLimiting = RateLimiting;
    }
}
