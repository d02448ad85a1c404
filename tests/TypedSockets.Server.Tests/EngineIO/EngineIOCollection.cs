namespace TypedSockets.Server.Tests.EngineIO;

/// <summary>
/// The Engine.IO server tests run one class at a time: several use a 300 ms heartbeat, and running them side by
/// side on a small machine would stretch their timings. The collection also runs alone, after the parallel ones
/// (DisableParallelization): other classes competing for two cores made those heartbeats late.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineIOCollection
{
    public const string Name = "EngineIO server";
}
