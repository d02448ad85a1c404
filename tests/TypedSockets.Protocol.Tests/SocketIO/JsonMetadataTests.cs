using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Protocol.Tests.SocketIO;

/// <summary>
/// The JSON parser's metadata sources: an app's source-generated context (the Native AOT path), the library's own
/// metadata behind it, reflection only without a resolver, and the error a type missing from the context gets.
/// </summary>
public sealed class JsonMetadataTests
{
    public sealed record Registered(string UserName, int Count);

    public sealed record Unregistered(string Name);

    private static readonly JsonSocketIOParser ContextParser = new(JsonMetadataTestContext.Default);

    [Fact]
    public void ATypeOfTheContextIsWrittenWithTheParsersWebNaming()
    {
        var packet = ContextParser.EncodeEvent("/", "joined", [new Registered("ada", 2)]);
        Assert.Equal("""2["joined",{"userName":"ada","count":2}]""", packet.ToString());
    }

    [Fact]
    public void ATypeOfTheContextIsReadFromAnArgument()
    {
        var args = Decode(ContextParser, """2["joined",{"USERNAME":"ada","count":2}]""");
        Assert.Equal(new Registered("ada", 2), args.Get<Registered>(0));
        Assert.Equal(new Registered("ada", 2), args.Get(0, typeof(Registered)));
    }

    [Fact]
    public void TheLibrarysOwnValuesNeedNoEntryInTheAppsContext()
    {
        var map = new Dictionary<string, object> { ["n"] = 1, ["tree"] = JsonDocument.Parse("[true]").RootElement };
        var packet = ContextParser.EncodeEvent("/", "mixed", ["text", 42, 1.5, true, map, new byte[] { 1, 2 }]);
        Assert.Equal("""51-["mixed","text",42,1.5,true,{"n":1,"tree":[true]},{"_placeholder":true,"num":0}]""", packet.ToString());

        var args = Decode(ContextParser, """2["e",7,"s",[1,2],{"a":"b"}]""");
        Assert.Equal(7, args.Get<int>(0));
        Assert.Equal("s", args.Get<string>(1));
        Assert.Equal(JsonValueKind.Array, args.Get<JsonElement>(2).ValueKind);
        Assert.Equal("b", args.Get<Dictionary<string, string>>(3)!["a"]);
    }

    [Fact]
    public void WritingATypeMissingFromTheContextNamesItAndTheLineToAdd()
    {
        var error = Assert.Throws<SocketIOJsonMetadataException>(() => ContextParser.EncodeEvent("/", "e", [new Unregistered("x")]));
        Assert.Equal(typeof(Unregistered), error.Type);
        Assert.StartsWith("No JSON metadata for 'TypedSockets.Protocol.Tests.SocketIO.JsonMetadataTests.Unregistered'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Add [JsonSerializable(typeof(TypedSockets.Protocol.Tests.SocketIO.JsonMetadataTests.Unregistered))] to your JsonSerializerContext", error.Message, StringComparison.Ordinal);
        Assert.Contains("o.JsonSerializerOptions.TypeInfoResolverChain.Add(AppJsonContext.Default)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadingATypeMissingFromTheContextIsAConfigurationErrorNotABindingFailure()
    {
        var args = Decode(ContextParser, """2["e",{"name":"x"}]""");
        Assert.Throws<SocketIOJsonMetadataException>(() => args.Get<Unregistered>(0));
        Assert.Throws<SocketIOJsonMetadataException>(() => args.Get(0, typeof(List<Unregistered>)));
        Assert.Throws<SocketIOJsonMetadataException>(() => ContextParser.GetTypeInfo(typeof(Unregistered)));
    }

    [Fact]
    public void ErrorsNameGenericArraysAndNullablesAsCSharpWritesThem()
    {
        var error = new SocketIOJsonMetadataException(typeof(Dictionary<string, List<Unregistered?>>[]));
        Assert.Contains(
            "typeof(System.Collections.Generic.Dictionary<System.String, System.Collections.Generic.List<TypedSockets.Protocol.Tests.SocketIO.JsonMetadataTests.Unregistered>>[])",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains("'System.Int32?'", new SocketIOJsonMetadataException(typeof(int?)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAResolverAJitAppKeepsReflection()
    {
        Assert.True(JsonSerializer.IsReflectionEnabledByDefault);
        Assert.Equal("""2["e",{"name":"x"}]""", JsonSocketIOParser.Default.EncodeEvent("/", "e", [new Unregistered("x")]).ToString());
        var options = JsonSocketIOParser.CreateSerializerOptions();
        Assert.Equal("""2["e",{"name":"x"}]""", new JsonSocketIOParser(options).EncodeEvent("/", "e", [new Unregistered("x")]).ToString());
    }

    [Fact]
    public void ResolversAddedToTheOptionsChainAreUsedAsTheContextIs()
    {
        var options = JsonSocketIOParser.CreateSerializerOptions();
        options.TypeInfoResolverChain.Add(JsonMetadataTestContext.Default);
        var parser = new JsonSocketIOParser(options);
        Assert.Equal("""2["e",{"userName":"a","count":1}]""", parser.EncodeEvent("/", "e", [new Registered("a", 1)]).ToString());
        Assert.Throws<SocketIOJsonMetadataException>(() => parser.EncodeEvent("/", "e", [new Unregistered("x")]));
    }

    private static SocketIOArguments Decode(JsonSocketIOParser parser, string wire)
    {
        var decoder = parser.CreateDecoder();
        Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire)), false, out var packet));
        return packet!.Data!;
    }
}

[JsonSerializable(typeof(JsonMetadataTests.Registered))]
internal sealed partial class JsonMetadataTestContext : JsonSerializerContext;
