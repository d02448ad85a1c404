namespace TypedSockets.Fuzz;

/// <summary>
/// Byte-level mutations in the manner of AFL and libFuzzer (bit flips, interesting values, insertions of format tokens,
/// deletions, duplications, splices of two inputs), stacked 1 to 8 at a time. Deterministic for a given seed.
/// </summary>
public sealed class Mutator(int seed, IReadOnlyList<byte[]> tokens, int maxLength = 4096)
{
    private static readonly byte[] s_interestingBytes = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x1e, (byte)'0', (byte)'9', (byte)'-', (byte)',', (byte)'/', (byte)'"', (byte)'[', (byte)']', (byte)'{', (byte)'}', (byte)'\\', 0xc0, 0xc1, 0xd4, 0xdd, 0xdf, 0xdb, 0xc9];

    private static readonly string[] s_interestingNumbers =
        ["0", "-1", "9007199254740991", "9007199254740992", "2147483647", "2147483648", "4294967296", "18446744073709551616", "1e308", "1e309", "-0", "0.5", "99999999999999999999999"];

    private readonly Random _random = new(seed);

    /// <summary>A mutated copy of <paramref name="input"/>; <paramref name="other"/> is the partner of a splice.</summary>
    public byte[] Mutate(byte[] input, byte[] other)
    {
        var data = new List<byte>(input);
        var rounds = 1 << _random.Next(4); // 1, 2, 4 or 8
        for (var r = 0; r < rounds; r++)
        {
            MutateOnce(data, other);
        }

        if (data.Count > maxLength)
        {
            data.RemoveRange(maxLength, data.Count - maxLength);
        }

        return [.. data];
    }

    private void MutateOnce(List<byte> data, byte[] other)
    {
        switch (_random.Next(data.Count == 0 ? 3 : 13))
        {
            case 0:
                Insert(data, tokens.Count > 0 ? tokens[_random.Next(tokens.Count)] : [RandomByte()]);
                break;
            case 1:
                Insert(data, System.Text.Encoding.ASCII.GetBytes(s_interestingNumbers[_random.Next(s_interestingNumbers.Length)]));
                break;
            case 2:
                if (other.Length > 0)
                {
                    // Splice: a random piece of the other input.
                    var start = _random.Next(other.Length);
                    Insert(data, other.AsSpan(start, _random.Next(other.Length - start) + 1).ToArray());
                }

                break;
            case 3:
                data[_random.Next(data.Count)] ^= (byte)(1 << _random.Next(8));
                break;
            case 4:
                data[_random.Next(data.Count)] = RandomByte();
                break;
            case 5:
                data[_random.Next(data.Count)] = s_interestingBytes[_random.Next(s_interestingBytes.Length)];
                break;
            case 6:
                {
                    var at = _random.Next(data.Count);
                    data.RemoveRange(at, Math.Min(data.Count - at, _random.Next(1, 9)));
                    break;
                }

            case 7:
                {
                    // Duplicate a block (repeated structure: nesting, many arguments, many packets).
                    var at = _random.Next(data.Count);
                    var length = Math.Min(data.Count - at, _random.Next(1, 33));
                    var block = data.GetRange(at, length);
                    var times = _random.Next(1, 5);
                    for (var i = 0; i < times; i++)
                    {
                        data.InsertRange(at, block);
                    }

                    break;
                }

            case 8:
                {
                    // Truncate.
                    var at = _random.Next(data.Count);
                    data.RemoveRange(at, data.Count - at);
                    break;
                }

            case 9:
                {
                    // Add to a byte, as AFL's arithmetic stage: lengths and counts off by a little.
                    var at = _random.Next(data.Count);
                    data[at] = (byte)(data[at] + _random.Next(-8, 9));
                    break;
                }

            case 10:
                data.Insert(_random.Next(data.Count + 1), RandomByte());
                break;
            case 11:
                {
                    // Swap two bytes.
                    var a = _random.Next(data.Count);
                    var b = _random.Next(data.Count);
                    (data[a], data[b]) = (data[b], data[a]);
                    break;
                }

            default:
                Insert(data, tokens.Count > 0 ? tokens[_random.Next(tokens.Count)] : [RandomByte()]);
                break;
        }
    }

    private void Insert(List<byte> data, byte[] bytes) => data.InsertRange(_random.Next(data.Count + 1), bytes);

    private byte RandomByte() => (byte)_random.Next(256);
}
