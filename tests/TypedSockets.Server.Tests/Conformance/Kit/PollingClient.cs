using System.Net;
using System.Text;
using System.Text.Json;
using Xunit.Sdk;

namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>
/// The HTTP long-polling side of the raw client: handshake, GET, POST, and the <c>\x1e</c> payload split.
/// POST bodies go as <c>text/plain;charset=UTF-8</c> like the suite's <c>fetch</c> with a string body.
/// Every request is recorded in <see cref="Transcript"/> for failure messages.
/// </summary>
public sealed class PollingClient(ConformanceServerFixture server)
{
    public const char RecordSeparator = '\x1e';

    private readonly List<string> _transcript = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public string Transcript
    {
        get
        {
            lock (_transcript)
            {
                return string.Join("\n", _transcript);
            }
        }
    }

    public static IReadOnlyList<string> Split(string payload) => payload.Split(RecordSeparator);

    public Task<HttpResult> GetAsync(Uri uri) => SendAsync(HttpMethod.Get, uri, body: null);

    public Task<HttpResult> PostAsync(Uri uri, string? body) => SendAsync(HttpMethod.Post, uri, body);

    /// <summary>GET on the session.</summary>
    public Task<HttpResult> PollAsync(string sid) => GetAsync(server.PollingUri(sid));

    /// <summary>POST on the session.</summary>
    public Task<HttpResult> PushAsync(string sid, string body) => PostAsync(server.PollingUri(sid), body);

    /// <summary>Opens a polling session (the suite's <c>initLongPollingSession</c>) and returns its sid.</summary>
    public async Task<string> OpenSessionAsync()
    {
        var result = await GetAsync(server.PollingUri());
        if (result.StatusCode != HttpStatusCode.OK || !result.Body.StartsWith('0'))
        {
            throw new XunitException($"The polling handshake failed: {result}");
        }

        using var open = JsonDocument.Parse(result.Body[1..]);
        return open.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>POST that must be accepted with 200.</summary>
    public async Task PushOkAsync(string sid, string body)
    {
        var result = await PushAsync(sid, body);
        if (result.StatusCode != HttpStatusCode.OK)
        {
            throw new XunitException($"POST {body} was answered {result}.\nTranscript:\n{Transcript}");
        }
    }

    /// <summary>
    /// GETs until <paramref name="count"/> packets other than a ping have arrived; each ping is answered with a
    /// POST <c>3</c> so the heartbeat never ends the session while the test is busy.
    /// </summary>
    public async Task<PolledPackets> ReceivePacketsAsync(string sid, int count)
    {
        var packets = new List<string>();
        var payloads = new List<string>();
        var deadline = DateTime.UtcNow + Timeouts.Receive;
        while (packets.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new XunitException($"Expected {count} packets within {Timeouts.Receive.TotalMilliseconds} ms, got [{string.Join(", ", packets)}].\nTranscript:\n{Transcript}");
            }

            var result = await PollAsync(sid);
            if (result.StatusCode != HttpStatusCode.OK)
            {
                throw new XunitException($"GET was answered {result} while {count} packets were expected.\nTranscript:\n{Transcript}");
            }

            payloads.Add(result.Body);
            var answerPing = false;
            foreach (var packet in Split(result.Body))
            {
                if (packet == "2")
                {
                    answerPing = true;
                }
                else
                {
                    packets.Add(packet);
                }
            }

            if (answerPing)
            {
                await PushOkAsync(sid, "3");
            }
        }

        return new PolledPackets(packets, payloads);
    }

    private async Task<HttpResult> SendAsync(HttpMethod method, Uri uri, string? body)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        }

        try
        {
            using var response = await server.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var result = new HttpResult(response.StatusCode, text, response.Content.Headers.ContentType?.ToString());
            Record($"{method} {uri.PathAndQuery}{(body is null ? "" : " body " + body)} -> {result}");
            return result;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Record($"{method} {uri.PathAndQuery} -> {e.GetType().Name}: {e.Message}");
            throw new XunitException($"{method} {uri} failed: {e.Message}\nTranscript:\n{Transcript}");
        }
    }

    private void Record(string line)
    {
        var elapsed = (long)_clock.Elapsed.TotalMilliseconds;
        lock (_transcript)
        {
            _transcript.Add($"[{elapsed,5} ms] {line}");
        }
    }
}
