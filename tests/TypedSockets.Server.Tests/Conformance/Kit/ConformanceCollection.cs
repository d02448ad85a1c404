namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>
/// All conformance tests share one host and run one after another: the 300/200 ms heartbeat
/// leaves little slack, so they must not compete with each other, or with other test classes (DisableParallelization:
/// the collection runs alone, after the parallel ones), for the CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConformanceCollection : ICollectionFixture<ConformanceServerFixture>
{
    public const string Name = "Socket.IO v5 conformance";
}
