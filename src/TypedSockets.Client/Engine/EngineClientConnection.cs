using System.Buffers;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TypedSockets.Protocol.EngineIO;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client.Engine;

/// <summary>What an Engine.IO connection reports to its owner.</summary>
internal interface IEngineClientHandler
{
    /// <summary>A message arrived (on the receive loop; the data is valid only during the call).</summary>
    void OnEngineMessage(EngineClientConnection connection, in ReadOnlySequence<byte> data, bool isBinary);

    /// <summary>The connection closed; called once.</summary>
    void OnEngineClose(EngineClientConnection connection, string reason, Exception? error);
}

/// <summary>
/// One client Engine.IO session: the handshake, the current transport (and the upgrade from polling to WebSocket),
/// one writer loop fed by a channel, and the heartbeat watchdog (the server pings; the client answers and closes when
/// no ping came within pingInterval + pingTimeout).
/// </summary>
internal sealed class EngineClientConnection
{
    private static readonly ReadOnlyMemory<byte> s_probe = "probe"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> s_pingProbe = "2probe"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> s_pongProbe = "3probe"u8.ToArray();

    private readonly SocketIOClientOptions _options;
    private readonly EngineUri _uris;
    private readonly HttpClient _http;
    private readonly CookieContainer _cookies;
    private readonly IEngineClientHandler _handler;
    private readonly ILogger _logger;
    private readonly Channel<EngineOutgoing> _outgoing = Channel.CreateUnbounded<EngineOutgoing>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly CancellationTokenSource _closed = new();
    private readonly EnginePacketSink _sink;
    private EngineClientTransport? _transport;
    private WebSocketClientTransport? _probe;
    private ITimer? _heartbeat;
    private TimeSpan _heartbeatWindow;
    private int _closeState;
    private volatile bool _writing;

    public EngineClientConnection(SocketIOClientOptions options, EngineUri uris, HttpClient http, CookieContainer cookies, IEngineClientHandler handler, ILogger logger)
    {
        _options = options;
        _uris = uris;
        _http = http;
        _cookies = cookies;
        _handler = handler;
        _logger = logger;
        _sink = OnPacket;
    }

    public EngineHandshake? Handshake { get; private set; }

    /// <summary>The transport in use: "polling" or "websocket".</summary>
    public string? TransportName => _transport?.Name;

    public bool IsClosed => Volatile.Read(ref _closeState) != 0;

    /// <summary>True when nothing is being written (volatile emits are dropped otherwise, as in the reference).</summary>
    public bool IsWritable => !_writing && !IsClosed;

    /// <summary>Opens the session (bounded by the options' timeout); throws when it cannot.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            if ((_options.Transports & SocketIOTransports.Polling) != 0)
            {
                var polling = new PollingClientTransport(_http, _uris.Polling(null));
                _transport = polling;
                Handshake = await polling.OpenAsync(_uris, _sink, timeout.Token).ConfigureAwait(false);
            }
            else
            {
                var ws = new WebSocketClientTransport(_options.ExtraHeaders, _cookies, _options.ConfigureWebSocket);
                _transport = ws;
                await ws.ConnectAsync(_uris.WebSocket(null), timeout.Token).ConfigureAwait(false);
                Handshake = await ws.ReadHandshakeAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            var transport = _transport;
            Close(SocketIOClientDisconnectReasons.TransportError, e, notify: false);
            if (transport is not null)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }

            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The connection was not open within {_options.Timeout.TotalMilliseconds} ms.", e);
            }

            throw;
        }

        SocketIOClientLog.EngineOpened(_logger, Handshake.Sid, _transport.Name);
        _heartbeatWindow = TimeSpan.FromMilliseconds(Handshake.PingInterval + Handshake.PingTimeout);
        _heartbeat = _options.TimeProvider.CreateTimer(static s => ((EngineClientConnection)s!).OnHeartbeatMissed(), this, _heartbeatWindow, Timeout.InfiniteTimeSpan);
        _ = RunReceiveLoopAsync(_transport);
        _ = RunWriterAsync();
        if (_transport is PollingClientTransport && _options.Upgrade && Handshake.CanUpgradeToWebSocket &&
            (_options.Transports & SocketIOTransports.WebSocket) != 0)
        {
            _ = ProbeAsync();
        }
    }

    /// <summary>Queues a Socket.IO packet; false once the connection is closed.</summary>
    public bool TrySend(EncodedPacket packet) => !IsClosed && _outgoing.Writer.TryWrite(EngineOutgoing.ForPacket(packet));

    /// <summary>Flushes what is queued, says goodbye to the server and closes (client-initiated).</summary>
    public async Task CloseAsync(TimeSpan flushTimeout)
    {
        if (IsClosed)
        {
            return;
        }

        if (_outgoing.Writer.TryWrite(EngineOutgoing.CloseMarker))
        {
            _outgoing.Writer.TryComplete();
            try
            {
                await Task.Delay(flushTimeout, _closed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        Close(SocketIOClientDisconnectReasons.ForcedClose, null);
    }

    /// <summary>Closes now; the handler hears about it once (unless <paramref name="notify"/> is false).</summary>
    public void Close(string reason, Exception? error, bool notify = true)
    {
        if (Interlocked.Exchange(ref _closeState, 1) != 0)
        {
            return;
        }

        if (Handshake is not null)
        {
            SocketIOClientLog.EngineClosed(_logger, Handshake.Sid, reason, error);
        }

        _outgoing.Writer.TryComplete();
        _heartbeat?.Dispose();
        _closed.Cancel();
        var transport = _transport;
        var probe = _probe;
        _ = DisposeQuietlyAsync(transport);
        if (!ReferenceEquals(probe, transport))
        {
            _ = DisposeQuietlyAsync(probe);
        }

        if (notify)
        {
            _handler.OnEngineClose(this, reason, error);
        }
    }

    private static async Task DisposeQuietlyAsync(EngineClientTransport? transport)
    {
        if (transport is null)
        {
            return;
        }

        try
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Closing anyway.
        }
    }

    private void OnHeartbeatMissed() => Close(SocketIOClientDisconnectReasons.PingTimeout, null);

    private void OnPacket(EngineClientTransport transport, in EnginePacket packet)
    {
        switch (packet.Type)
        {
            case EnginePacketType.Ping:
                _heartbeat?.Change(_heartbeatWindow, Timeout.InfiniteTimeSpan);
                _outgoing.Writer.TryWrite(EngineOutgoing.ForControl(EnginePacketType.Pong));
                break;
            case EnginePacketType.Message:
                _handler.OnEngineMessage(this, packet.Data, packet.IsBinary);
                break;
            case EnginePacketType.Close:
                Close(SocketIOClientDisconnectReasons.TransportClose, null);
                break;
        }
    }

    private async Task RunReceiveLoopAsync(EngineClientTransport transport)
    {
        try
        {
            var closedByServer = await transport.ReceiveAsync(_sink, _closed.Token).ConfigureAwait(false);
            if (closedByServer)
            {
                Close(SocketIOClientDisconnectReasons.TransportClose, null);
            }
        }
        catch (InvalidDataException e)
        {
            Close(SocketIOClientDisconnectReasons.ParseError, e);
        }
        catch (Exception e)
        {
            Close(IsClosed ? SocketIOClientDisconnectReasons.ForcedClose : SocketIOClientDisconnectReasons.TransportError, e);
        }
    }

    /// <summary>
    /// The most packets one polling POST carries: python-engineio refuses a payload of more than 16 packets (HTTP 400),
    /// engine.io and ours accept any number, so 16 costs nothing but a few more requests in a burst.
    /// </summary>
    internal const int MaxPacketsPerPollingPayload = 16;

    private async Task RunWriterAsync()
    {
        var reader = _outgoing.Reader;
        var batch = new List<EngineOutgoing>(16);
        // A server that announces no maxPayload (python-engineio 4.3) sets no size bound, as in socket.io-client.
        var maxPayload = Handshake!.MaxPayload > 0 ? Math.Max(1024, Handshake.MaxPayload) : long.MaxValue;
        try
        {
            while (await reader.WaitToReadAsync(_closed.Token).ConfigureAwait(false))
            {
                _writing = true;
                long size = 0;
                while (reader.TryPeek(out var next))
                {
                    if (next.Kind == EngineOutgoingKind.UpgradeMarker)
                    {
                        reader.TryRead(out _);
                        await FlushAsync(batch).ConfigureAwait(false);
                        await SwitchToWebSocketAsync().ConfigureAwait(false);
                        continue;
                    }

                    if (next.Kind == EngineOutgoingKind.CloseMarker)
                    {
                        reader.TryRead(out _);
                        await FlushAsync(batch).ConfigureAwait(false);
                        await SayGoodbyeAsync().ConfigureAwait(false);
                        Close(SocketIOClientDisconnectReasons.ForcedClose, null);
                        return;
                    }

                    // A polling payload stays under the server's maxPayload (a lone oversized packet still goes).
                    var length = next.EstimatedLength + 1;
                    if (batch.Count > 0 && _transport is PollingClientTransport && size + length > maxPayload)
                    {
                        break;
                    }

                    reader.TryRead(out _);
                    batch.Add(next);
                    size += length;
                    if (batch.Count >= (_transport is PollingClientTransport ? MaxPacketsPerPollingPayload : 256))
                    {
                        break;
                    }
                }

                await FlushAsync(batch).ConfigureAwait(false);
                _writing = false;
            }
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Close(SocketIOClientDisconnectReasons.TransportError, e);
        }
        finally
        {
            _writing = false;
        }
    }

    private async ValueTask FlushAsync(List<EngineOutgoing> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await _transport!.SendAsync(batch, _closed.Token).ConfigureAwait(false);
        }
        finally
        {
            batch.Clear();
        }
    }

    private async Task SayGoodbyeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            switch (_transport)
            {
                case PollingClientTransport polling:
                    await polling.SendAsync([EngineOutgoing.ForControl(EnginePacketType.Close)], timeout.Token).ConfigureAwait(false);
                    break;
                case WebSocketClientTransport ws:
                    await ws.CloseAsync(timeout.Token).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or System.Net.WebSockets.WebSocketException or EngineTransportException)
        {
            // The server may be gone already.
        }
    }

    /// <summary>
    /// The upgrade: open a WebSocket with the sid, send <c>2probe</c>, expect <c>3probe</c>, let the polling GET loop
    /// finish (the server answers the parked GET with a noop), then the writer sends <c>5</c> and moves over.
    /// A failed probe leaves the session on polling.
    /// </summary>
    private async Task ProbeAsync()
    {
        var polling = (PollingClientTransport)_transport!;
        var ws = new WebSocketClientTransport(_options.ExtraHeaders, _cookies, _options.ConfigureWebSocket);
        _probe = ws;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        timeout.CancelAfter(_options.Timeout);
        var pausing = false;
        try
        {
            await ws.ConnectAsync(_uris.WebSocket(Handshake!.Sid), timeout.Token).ConfigureAwait(false);
            await ws.SendTextAsync(s_pingProbe, timeout.Token).ConfigureAwait(false);
            if (!await ws.ReceiveTextAsync(s_pongProbe, timeout.Token).ConfigureAwait(false))
            {
                throw new EngineTransportException("The server did not answer the probe with 3probe.");
            }

            if (IsClosed)
            {
                return;
            }

            pausing = true;
            await polling.PauseAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
            _outgoing.Writer.TryWrite(EngineOutgoing.UpgradeMarker);
        }
        catch (Exception e)
        {
            _probe = null;
            await DisposeQuietlyAsync(ws).ConfigureAwait(false);
            if (!IsClosed)
            {
                SocketIOClientLog.UpgradeFailed(_logger, Handshake!.Sid, e);
                if (pausing)
                {
                    // The polling loop may already be paused: the session cannot go on.
                    Close(SocketIOClientDisconnectReasons.TransportError, e);
                }
            }
        }
    }

    private async Task SwitchToWebSocketAsync()
    {
        var ws = _probe ?? throw new InvalidOperationException("No probed WebSocket to upgrade to.");
        var polling = _transport!;
        await ws.SendAsync([EngineOutgoing.ForControl(EnginePacketType.Upgrade)], _closed.Token).ConfigureAwait(false);
        _transport = ws;
        _probe = null;
        await DisposeQuietlyAsync(polling).ConfigureAwait(false);
        SocketIOClientLog.Upgraded(_logger, Handshake!.Sid);
        _ = RunReceiveLoopAsync(ws);
    }
}
