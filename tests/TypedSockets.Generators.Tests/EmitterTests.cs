using TypedSockets.Generators.Model;

namespace TypedSockets.Generators.Tests;

/// <summary>The emitter is a pure function of a hand-built model.</summary>
public sealed class EmitterTests
{
    [Fact]
    public void EmitsNameFieldEmitterDispatcherAndBroadcastForAHandBuiltModel()
    {
        var model = new ContractModel(
            null,
            "global::IPing",
            "Ping",
            IsPublic: false,
            "IPing.SocketEvents.g.cs",
            new EquatableArray<EventModel>([
                new EventModel("Ping", "ping!", "global::System.Threading.Tasks.Task<int>", ReturnKind.TaskOfT, new ValueModel("int", ValueKind.Int32, IsReferenceType: false),
                    new EquatableArray<ParameterModel>([new ParameterModel("at", new ValueModel("long", ValueKind.Int64, IsReferenceType: false))]), "global::IPing"),
            ]));

        var text = Emitter.Emit(model);

        Assert.Contains("new global::TypedSockets.SocketEventName(\"ping!\")", text);
        Assert.Contains("internal static class PingSocketEvents", text);
        Assert.Contains("internal static class PingSocketTargetsExtensions", text);
        Assert.Contains("__writer.WriteInt64(at);", text);
        Assert.Contains("return this._sink.SendWithAckAsync<int>(__writer, default);", text);
        Assert.Contains("case \"ping!\":", text);
        Assert.Contains("__writer.WriteInt32(__result);", text);
        Assert.DoesNotContain("namespace", text);
    }

    [Fact]
    public void EqualModelsAreEqualAndASignatureChangeIsNot()
    {
        static ContractModel Build(string type) => new(
            "N", "global::N.I", "I", true, "N.I.SocketEvents.g.cs",
            new EquatableArray<EventModel>([new EventModel("A", "a", "void", ReturnKind.Void, null,
                new EquatableArray<ParameterModel>([new ParameterModel("x", new ValueModel(type, ValueKind.Serialized, IsReferenceType: true))]), "global::N.I")]));

        Assert.Equal(Build("global::N.T"), Build("global::N.T"));
        Assert.NotEqual(Build("global::N.T"), Build("global::N.U"));
    }
}
