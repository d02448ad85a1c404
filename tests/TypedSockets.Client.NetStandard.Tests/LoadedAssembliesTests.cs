using System.Reflection;
using System.Runtime.Versioning;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.TestContracts.NetStandard;

namespace TypedSockets.Client.NetStandard.Tests;

/// <summary>This project must test the netstandard2.1 builds, never silently the net10.0 ones.</summary>
public sealed class LoadedAssembliesTests
{
    public static readonly TheoryData<string> Libraries = new() { "TypedSockets.Client", "TypedSockets.Protocol", "TypedSockets" };

    private static Assembly Library(string name) => name switch
    {
        "TypedSockets.Client" => typeof(SocketIOManager).Assembly,
        "TypedSockets.Protocol" => typeof(SocketIOParser).Assembly,
        "TypedSockets" => typeof(SocketEventsAttribute).Assembly,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Theory]
    [MemberData(nameof(Libraries))]
    public void TheLoadedLibraryIsTheNetStandard21Build(string name)
    {
        var assembly = Library(name);
        Assert.Equal(name, assembly.GetName().Name);
        Assert.Equal(".NETStandard,Version=v2.1", assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void TheInternalShimsAddNoPublicType(string name)
    {
        // Every public type is in a TypedSockets namespace: the netstandard2.1 shims (System.Threading.Lock,
        // System.Text.Ascii, IsExternalInit...) stay internal.
        var outside = Library(name).GetExportedTypes()
            .Where(t => t.Namespace is null || !(t.Namespace == "TypedSockets" || t.Namespace.StartsWith("TypedSockets.", StringComparison.Ordinal)))
            .Select(t => t.FullName)
            .ToArray();
        Assert.Empty(outside);
    }

    [Fact]
    public void TheCSharp9ContractsAreTheNetStandard21BuildWithAnInternalModuleInitializerAttribute()
    {
        var contracts = typeof(IShopServer).Assembly;
        Assert.Equal(".NETStandard,Version=v2.1", contracts.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName);
        var attribute = contracts.GetType("System.Runtime.CompilerServices.ModuleInitializerAttribute", throwOnError: false);
        Assert.NotNull(attribute);
        Assert.False(attribute.IsPublic);
    }
}
