using TypedSockets.Fuzz.Targets;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Fuzz;

/// <summary>Every target of the harness, by name.</summary>
public static class FuzzTargets
{
    /// <summary>New instances of all targets.</summary>
    public static IReadOnlyList<FuzzTarget> All() =>
    [
        new EnginePacketsTarget(EnginePacketFraming.Payload),
        new EnginePacketsTarget(EnginePacketFraming.SinglePacket),
        new EngineHandshakeTarget(),
        SocketIODecoderTarget.Json(),
        SocketIODecoderTarget.MessagePack(),
        new NotepackTarget(),
    ];

    /// <summary>The target called <paramref name="name"/>.</summary>
    public static FuzzTarget Get(string name) =>
        All().FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"No fuzz target '{name}'. Targets: {string.Join(", ", All().Select(t => t.Name))}.");

    /// <summary>The regression inputs kept for <paramref name="target"/> under <paramref name="corpusRoot"/>/regressions/&lt;target&gt;.</summary>
    public static IEnumerable<(string Path, byte[] Input)> Regressions(string corpusRoot, FuzzTarget target)
    {
        var folder = Path.Combine(corpusRoot, "regressions", target.Name);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(path => (path, File.ReadAllBytes(path))).ToList();
    }
}
