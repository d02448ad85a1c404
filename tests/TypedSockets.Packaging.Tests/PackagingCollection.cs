namespace TypedSockets.Packaging.Tests;

/// <summary>One pack and one build of the fresh projects for all the tests of this project.</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackagedWorkspace>
{
    public const string Name = "Packaging";
}
