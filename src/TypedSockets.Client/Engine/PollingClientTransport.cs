using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using TypedSockets.Protocol.Buffers;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Client.Engine;

/// <summary>
/// HTTP long-polling: a GET loop receives payloads, the writer POSTs them. Packets of a payload are joined by
/// <c>\x1e</c>; binary messages travel as <c>b</c> + base64.
/// </summary>
internal sealed class PollingClientTransport : EngineClientTransport
{
    private static readonly MediaTypeHeaderValue s_textPlain = MediaTypeHeaderValue.Parse("text/plain;charset=UTF-8");

    private readonly HttpClient _http;
    private readonly PooledByteBufferWriter _body = new(1024);
    private readonly List<EnginePacket> _packets = [];
    private Uri _uri;
    private volatile bool _pauseRequested;
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _getCancellation;

    public PollingClientTransport(HttpClient http, Uri handshakeUri)
    {
        _http = http;
        _uri = handshakeUri;
    }

    public override string Name => "polling";

    /// <summary>Sends the handshake GET; returns the open packet's data and delivers any packet that followed it.</summary>
    public async Task<EngineHandshake> OpenAsync(EngineUri uris, EnginePacketSink sink, CancellationToken cancellationToken)
    {
        var payload = await GetPayloadAsync(cancellationToken).ConfigureAwait(false);
        EngineHandshake? handshake = null;
        var reader = new EnginePacketReader(new ReadOnlySequence<byte>(payload), EnginePacketFraming.Payload);
        try
        {
            while (reader.TryRead(out var packet))
            {
                if (handshake is null)
                {
                    if (packet.Type != EnginePacketType.Open)
                    {
                        throw new EngineTransportException($"Expected an open packet, got {packet}.");
                    }

                    handshake = EngineHandshake.Parse(packet.Data.IsSingleSegment ? packet.Data.FirstSpan : packet.Data.ToArray());
                    _uri = uris.Polling(handshake.Sid);
                }
                else
                {
                    sink(this, packet);
                }
            }
        }
        finally
        {
            reader.Dispose();
        }

        return handshake ?? throw new EngineTransportException("The handshake response was empty.");
    }

    /// <summary>Stops the GET loop after the request in flight; the task completes once it has stopped.</summary>
    public Task PauseAsync()
    {
        _pauseRequested = true;
        return _paused.Task;
    }

    public override async Task<bool> ReceiveAsync(EnginePacketSink sink, CancellationToken cancellationToken)
    {
        try
        {
            while (!_pauseRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var payload = await GetPayloadAsync(cancellationToken).ConfigureAwait(false);
                var reader = new EnginePacketReader(new ReadOnlySequence<byte>(payload), EnginePacketFraming.Payload);
                try
                {
                    while (reader.TryRead(out var packet))
                    {
                        if (packet.Type == EnginePacketType.Close)
                        {
                            return true;
                        }

                        sink(this, packet);
                    }
                }
                finally
                {
                    reader.Dispose();
                }
            }

            return false;
        }
        finally
        {
            _paused.TrySetResult();
        }
    }

    public override async ValueTask SendAsync(List<EngineOutgoing> batch, CancellationToken cancellationToken)
    {
        _body.Reset();
        var first = true;
        foreach (var item in batch)
        {
            if (item.Packet is { } packet)
            {
                WriteSeparator(ref first);
                if (packet.PayloadIsBinary)
                {
                    EnginePacketWriter.WriteText(EnginePacket.BinaryMessage(packet.Payload), _body);
                }
                else
                {
                    _body.Write((byte)'4');
                    _body.Write(packet.Payload.Span);
                }

                foreach (var attachment in packet.Attachments)
                {
                    WriteSeparator(ref first);
                    EnginePacketWriter.WriteText(EnginePacket.BinaryMessage(attachment), _body);
                }
            }
            else
            {
                WriteSeparator(ref first);
                EnginePacketWriter.WriteText(EnginePacket.Control(item.Type, item.Data), _body);
            }
        }

        if (first)
        {
            return;
        }

        using var content = new ReadOnlyMemoryContent(_body.WrittenMemory);
        content.Headers.ContentType = s_textPlain;
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new EngineTransportException($"Polling POST answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
    }

    public override ValueTask DisposeAsync()
    {
        _pauseRequested = true;
        try
        {
            _getCancellation?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private void WriteSeparator(ref bool first)
    {
        if (!first)
        {
            _body.Write(EnginePacketWriter.RecordSeparator);
        }

        first = false;
    }

    private async Task<byte[]> GetPayloadAsync(CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _getCancellation = cts;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _uri);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var text = await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
                throw new EngineTransportException($"Polling GET answered {(int)response.StatusCode}: {text}");
            }

            var payload = await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            if (payload.Length == 0)
            {
                throw new EngineTransportException("Polling GET answered an empty payload.");
            }

            return payload;
        }
        finally
        {
            _getCancellation = null;
        }
    }
}
