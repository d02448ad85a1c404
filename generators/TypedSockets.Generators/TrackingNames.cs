namespace TypedSockets.Generators;

/// <summary>Names of the pipeline steps (incremental tests read their run reasons).</summary>
internal static class TrackingNames
{
    public const string Contracts = nameof(Contracts);
    public const string ValidContracts = nameof(ValidContracts);
    public const string NeedsModuleInitializerAttribute = nameof(NeedsModuleInitializerAttribute);
    public const string TypeScriptContracts = nameof(TypeScriptContracts);
    public const string TypeScriptPairs = nameof(TypeScriptPairs);
    public const string TypeScriptOptions = nameof(TypeScriptOptions);
}
