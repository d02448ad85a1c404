using System.Buffers;
using System.Text;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Protocol.Tests.EngineIO;

/// <summary>Mutated polling payloads never escape the reader as anything but <see cref="InvalidDataException"/>.</summary>
public sealed class EnginePayloadRobustnessTests
{
    [Fact]
    public void MutatedPayloadsEitherParseOrFailWithInvalidData()
    {
        var seeds = new[] { "4hello\u001e2\u001ebAQID", "0{\"sid\":\"x\"}", "3probe\u001e5\u001e6", "bAAEC\u001e4x", "1" };
        const string alphabet = "0123456789b\u001e=+/AQIDxyz{}\"";
        var random = new Random(4);
        var parsed = 0;
        var rejected = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var chars = seeds[random.Next(seeds.Length)].ToCharArray().ToList();
            for (var e = random.Next(1, 4); e > 0; e--)
            {
                var position = chars.Count == 0 ? 0 : random.Next(chars.Count);
                if (random.Next(2) == 0 && chars.Count > 0)
                {
                    chars.RemoveAt(position);
                }
                else
                {
                    chars.Insert(position, alphabet[random.Next(alphabet.Length)]);
                }
            }

            var bytes = Encoding.UTF8.GetBytes(new string([.. chars]));
            var framing = random.Next(2) == 0 ? EnginePacketFraming.Payload : EnginePacketFraming.SinglePacket;
            try
            {
                var reader = new EnginePacketReader(new ReadOnlySequence<byte>(bytes), framing);
                try
                {
                    var count = 0;
                    while (reader.TryRead(out var packet))
                    {
                        Assert.True(Enum.IsDefined(packet.Type));
                        Assert.True(++count <= bytes.Length + 1, "the reader must make progress");
                    }
                }
                finally
                {
                    reader.Dispose();
                }

                parsed++;
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
        }

        Assert.True(parsed > 1000, $"only {parsed} payloads parsed");
        Assert.True(rejected > 1000, $"only {rejected} payloads rejected");
    }
}
