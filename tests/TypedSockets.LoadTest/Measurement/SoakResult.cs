using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace TypedSockets.LoadTest.Measurement;

/// <summary>One server sample of a soak run: seconds since the run started, RSS, CPU seconds so far, clients connected.</summary>
public sealed record SoakSample(double Seconds, string Phase, double RssMiB, double? ServerCpuSeconds, int Connected);

/// <summary>What a soak run counted, and whether every invariant held.</summary>
public sealed record SoakResult
{
    public required string Target { get; init; }

    public required int Clients { get; init; }

    public double DurationSeconds { get; init; }

    public double WarmupSeconds { get; init; }

    public int Rooms { get; init; }

    public double ConnectSeconds { get; init; }

    public long InitialConnectFailures { get; init; }

    /// <summary>Fewest clients connected in a sample of the traffic phase.</summary>
    public int MinConnected { get; init; }

    public long AcksSent { get; init; }

    public long AcksAnswered { get; init; }

    /// <summary>Calls whose acknowledgement never came (timeout, or the connection closed under them unexpectedly).</summary>
    public long AcksLost { get; init; }

    /// <summary>Error answers, or a request answered with a number other than the one sent.</summary>
    public long AckErrors { get; init; }

    public long Requests { get; init; }

    public long Joins { get; init; }

    public long Leaves { get; init; }

    public long Publishes { get; init; }

    /// <summary>Broadcasts a client should have received (in a room it had joined, while connected or recovered).</summary>
    public long BroadcastsExpected => BroadcastsReceived + Gaps;

    public long BroadcastsReceived { get; init; }

    /// <summary>Of the received, those replayed by a recovered session before its CONNECT answer.</summary>
    public long BroadcastsReplayed { get; init; }

    /// <summary>Sequence numbers skipped in a room (during the run, and missing at the end).</summary>
    public long Gaps { get; init; }

    /// <summary>Broadcasts received again, at or after the number the client joined its room at.</summary>
    public long Duplicates { get; init; }

    /// <summary>
    /// Broadcasts a recovered session replayed that were sent to a room before the client joined it (after the offset it
    /// recovered from): the server filters kept packets by the session's rooms at the disconnect, as the reference
    /// server does. Not counted as duplicates.
    /// </summary>
    public long ReplayedFromBeforeJoin { get; init; }

    /// <summary>Broadcasts that came without a recovery offset.</summary>
    public long BroadcastsWithoutOffset { get; init; }

    public long Drops { get; init; }

    public long Reconnects { get; init; }

    public long ReconnectFailures { get; init; }

    public long Recovered { get; init; }

    /// <summary>Reconnects that asked to recover a session the server could still hold (an offset younger than its window) and got a new one.</summary>
    public long RecoveryFailures { get; init; }

    /// <summary>Reconnects that could not recover by the protocol's design: no offset yet, or an offset older than the window.</summary>
    public long FreshSessionsByDesign { get; init; }

    public long UnexpectedDisconnects { get; init; }

    public long UnexpectedPackets { get; init; }

    public long SkippedOperations { get; init; }

    public double? RssStartMiB { get; init; }

    public double? RssEndMiB { get; init; }

    public double? RssMaxMiB { get; init; }

    /// <summary>Least-squares slope of the RSS over the traffic phase after the warm-up, MiB per minute.</summary>
    public double? RssSlopeMiBPerMinute { get; init; }

    public int RssSamplesAfterWarmup { get; init; }

    /// <summary>Server CPU over the traffic phase, in cores (1.0 = one core busy).</summary>
    public double? ServerCpuCores { get; init; }

    /// <summary>The load tool's CPU over the traffic phase, in cores.</summary>
    public double? ClientCpuCores { get; init; }

    public double LoadAverage { get; init; }

    /// <summary>The invariants that failed, in words; empty when the run passed.</summary>
    public required IReadOnlyList<string> Violations { get; init; }

    public bool Passed => Violations.Count == 0;

    [JsonIgnore]
    public IReadOnlyList<SoakSample> Samples { get; init; } = [];

    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Target} soak n={Clients} duration={DurationSeconds:F0}s warmup={WarmupSeconds:F0}s rooms={Rooms} connect={ConnectSeconds:F1}s connect-failures={InitialConnectFailures} min-connected={MinConnected}\n");
        text.Append(CultureInfo.InvariantCulture, $"  acks: sent={AcksSent} answered={AcksAnswered} lost={AcksLost} errors={AckErrors} (requests={Requests} joins={Joins} leaves={Leaves} publishes={Publishes})\n");
        text.Append(CultureInfo.InvariantCulture, $"  broadcasts: expected={BroadcastsExpected} received={BroadcastsReceived} replayed={BroadcastsReplayed} gaps={Gaps} duplicates={Duplicates} replayed-from-before-join={ReplayedFromBeforeJoin} without-offset={BroadcastsWithoutOffset}\n");
        text.Append(CultureInfo.InvariantCulture, $"  churn: drops={Drops} reconnects={Reconnects} reconnect-failures={ReconnectFailures} recovered={Recovered} recovery-failures={RecoveryFailures} fresh-by-design={FreshSessionsByDesign} unexpected-disconnects={UnexpectedDisconnects} unexpected-packets={UnexpectedPackets} skipped-ops={SkippedOperations}\n");
        text.Append(CultureInfo.InvariantCulture, $"  server: rss start={RssStartMiB:F1}MiB end={RssEndMiB:F1}MiB max={RssMaxMiB:F1}MiB slope-after-warmup={RssSlopeMiBPerMinute:F3}MiB/min ({RssSamplesAfterWarmup} samples) cpu={ServerCpuCores:F2} cores; load tool cpu={ClientCpuCores:F2} cores; load={LoadAverage:F2}\n");
        text.Append(Passed ? "  PASSED" : "  FAILED: " + string.Join("; ", Violations));
        return text.ToString();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SoakResult))]
internal sealed partial class SoakResultJsonContext : JsonSerializerContext;
