using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using TypedSockets.Protocol.SocketIO.MessagePack;

namespace TypedSockets.Protocol.Tests.MessagePack;

/// <summary>What the msgpack parser's last resolver does with and without dynamic code (the latter is Native AOT).</summary>
public sealed class AheadOfTimeFormatterGuardTests
{
    public sealed class Plain
    {
        public string? Name { get; set; }
    }

    [Fact]
    public void WithDynamicCodeItForwardsToTheAppsResolver()
    {
        var guard = new AheadOfTimeFormatterGuard(ContractlessStandardResolver.Instance, isDynamicCodeSupported: true);
        Assert.Same(ContractlessStandardResolver.Instance.GetFormatter<Plain>(), guard.GetFormatter<Plain>());
        Assert.Null(new AheadOfTimeFormatterGuard(NoFormatters.Instance, isDynamicCodeSupported: true).GetFormatter<Plain>());
    }

    [Fact]
    public void WithoutDynamicCodeAFailingResolverBecomesAnErrorNamingTheTypeAndTheGeneratedResolverPath()
    {
        var guard = new AheadOfTimeFormatterGuard(ThrowingResolver.Instance, isDynamicCodeSupported: false);
        var error = Assert.Throws<NotSupportedException>(() => guard.GetFormatter<Plain>());
        Assert.StartsWith(
            "No MessagePack formatter for 'TypedSockets.Protocol.Tests.MessagePack.AheadOfTimeFormatterGuardTests.Plain' without dynamic code (Native AOT)",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains("CompositeResolver.Create(GeneratedResolver.Instance, StandardResolver.Instance)", error.Message, StringComparison.Ordinal);
        Assert.IsType<PlatformNotSupportedException>(error.InnerException);

        Assert.Throws<NotSupportedException>(() => new AheadOfTimeFormatterGuard(NoFormatters.Instance, isDynamicCodeSupported: false).GetFormatter<Plain>());
    }

    [Fact]
    public void WithoutDynamicCodeFormattersThatExistAreUsed()
    {
        var guard = new AheadOfTimeFormatterGuard(StandardResolver.Instance, isDynamicCodeSupported: false);
        Assert.NotNull(guard.GetFormatter<int>());
        Assert.NotNull(guard.GetFormatter<string>());
    }

    private sealed class ThrowingResolver : IFormatterResolver
    {
        public static readonly ThrowingResolver Instance = new();

        public IMessagePackFormatter<T>? GetFormatter<T>() => throw new PlatformNotSupportedException("Dynamic code generation is not supported on this platform.");
    }

    private sealed class NoFormatters : IFormatterResolver
    {
        public static readonly NoFormatters Instance = new();

        public IMessagePackFormatter<T>? GetFormatter<T>() => null;
    }
}
