namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>Packets collected over one or more GETs (pings removed), and the raw bodies they came in.</summary>
public sealed record PolledPackets(IReadOnlyList<string> Packets, IReadOnlyList<string> Payloads);
