namespace TypedSockets.Server.Tests.EngineIO;

/// <summary>
/// The Engine.IO server tests run one class at a time: several use a 300 ms heartbeat, and running them side by
/// side on a small machine would stretch their timings.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EngineIOCollection
{
    public const string Name = "EngineIO server";
}
