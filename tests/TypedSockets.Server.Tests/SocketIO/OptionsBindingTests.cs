using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TypedSockets.Server.Tests.SocketIO;

/// <summary>
/// The "TypedSockets" configuration section is bound key by key (no reflection, for trimming and Native AOT): these
/// tests fail when an option is added to <see cref="SocketIOServerOptions"/> without being bound or declared code-only.
/// </summary>
public sealed class OptionsBindingTests
{
    /// <summary>Options that only code can set (a parser, serializer options, a delegate) or that are sections of their own.</summary>
    private static readonly string[] s_notScalar =
        [nameof(SocketIOServerOptions.Parser), nameof(SocketIOServerOptions.JsonSerializerOptions), nameof(SocketIOServerOptions.AllowRequest),
         nameof(SocketIOServerOptions.Cookie), nameof(SocketIOServerOptions.ConnectionStateRecovery), nameof(SocketIOServerOptions.Streams),
         nameof(SocketIOServerOptions.TimeProvider), nameof(SocketIOServerOptions.AllowedOrigins),
         nameof(SocketIOServerOptions.RateLimiting), nameof(SocketIOServerOptions.HandshakeLimiter)];

    [Fact]
    public void EveryScalarOptionIsBoundFromConfiguration()
    {
        var defaults = new SocketIOServerOptions();
        var properties = typeof(SocketIOServerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && !s_notScalar.Contains(p.Name))
            .ToList();
        var expected = properties.ToDictionary(p => p.Name, p => OtherValue(p.PropertyType, p.GetValue(defaults)));

        var bound = Bind(expected.ToDictionary(e => "TypedSockets:" + e.Key, e => (string?)ConfigurationText(e.Value)));

        Assert.All(properties, p => Assert.Equal(expected[p.Name], p.GetValue(bound)));
        Assert.Equal(
            s_notScalar.Order(StringComparer.Ordinal),
            typeof(SocketIOServerOptions).GetProperties().Where(p => p.CanWrite && !properties.Contains(p)).Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CookieAndRecoverySectionsAreBoundWhenPresentAndLeftNullOtherwise()
    {
        var bound = Bind(new Dictionary<string, string?>
        {
            ["TypedSockets:Cookie:Name"] = "sticky",
            ["TypedSockets:Cookie:HttpOnly"] = "false",
            ["TypedSockets:ConnectionStateRecovery:MaxDisconnectionDuration"] = "00:00:30",
            ["TypedSockets:ConnectionStateRecovery:MaxStoredPackets"] = "12",
        });
        Assert.Equal("sticky", bound.Cookie?.Name);
        Assert.False(bound.Cookie!.HttpOnly);
        Assert.Equal(TimeSpan.FromSeconds(30), bound.ConnectionStateRecovery?.MaxDisconnectionDuration);
        Assert.Equal(12, bound.ConnectionStateRecovery!.MaxStoredPackets);

        var empty = Bind(new Dictionary<string, string?> { ["TypedSockets:PingInterval"] = "00:00:05" });
        Assert.Null(empty.Cookie);
        Assert.Null(empty.ConnectionStateRecovery);
    }

    [Fact]
    public void StreamsSectionIsBoundWhenPresent()
    {
        var bound = Bind(new Dictionary<string, string?>
        {
            ["TypedSockets:Streams:WindowSize"] = "64",
            ["TypedSockets:Streams:MaxStreams"] = "3",
            ["TypedSockets:Streams:StartTimeout"] = "00:00:05",
        });
        Assert.Equal(64, bound.Streams.WindowSize);
        Assert.Equal(3, bound.Streams.MaxStreams);
        Assert.Equal(TimeSpan.FromSeconds(5), bound.Streams.StartTimeout);

        var defaults = Bind(new Dictionary<string, string?> { ["TypedSockets:PingInterval"] = "00:00:05" });
        Assert.Equal(16, defaults.Streams.WindowSize);
        Assert.Equal(16, defaults.Streams.MaxStreams);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.Streams.StartTimeout);
    }

    [Fact]
    public void AllowedOriginsAreBoundAsAListAndEmptyByDefault()
    {
        var bound = Bind(new Dictionary<string, string?>
        {
            ["TypedSockets:AllowedOrigins:0"] = "https://a.example",
            ["TypedSockets:AllowedOrigins:1"] = "https://b.example",
        });
        Assert.Equal(["https://a.example", "https://b.example"], bound.AllowedOrigins);

        var defaults = Bind(new Dictionary<string, string?> { ["TypedSockets:PingInterval"] = "00:00:05" });
        Assert.Empty(defaults.AllowedOrigins);
        Assert.Equal(16L * 1024 * 1024, defaults.MaxBufferedBytes);
    }

    private static SocketIOServerOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddTypedSockets();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SocketIOServerOptions>>().Value;
    }

    /// <summary>A value of <paramref name="type"/> other than <paramref name="current"/>, so binding it is visible.</summary>
    private static object OtherValue(Type type, object? current)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(TimeSpan) => ((TimeSpan?)current ?? TimeSpan.Zero) + TimeSpan.FromMilliseconds(1500),
            _ when underlying == typeof(int) => ((int?)current ?? 0) + 7,
            _ when underlying == typeof(long) => (long)current! + 7,
            _ when underlying == typeof(bool) => !(bool)current!,
            { IsEnum: true } => Enum.GetValues(underlying).Cast<object>().First(v => !v.Equals(current)),
            _ => throw new Xunit.Sdk.XunitException(
                $"SocketIOServerOptions has an option of type {type} this test cannot bind: bind it in SocketIOServerOptionsBinder and teach this test, or list it as code-only."),
        };
    }

    private static string ConfigurationText(object value) => value switch
    {
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}
