using System.Diagnostics;

namespace TypedSockets.Fuzz;

/// <summary>What a run did: inputs executed, distinct outcomes seen, the corpus size, and the failures found.</summary>
public sealed record FuzzResult(string Target, long Inputs, TimeSpan Elapsed, int Outcomes, int CorpusSize, IReadOnlyList<FuzzFailure> Failures)
{
    /// <summary>Inputs per second.</summary>
    public double Rate => Elapsed.TotalSeconds > 0 ? Inputs / Elapsed.TotalSeconds : 0;
}

/// <summary>An input that broke the target's contract and the exception it ended in.</summary>
public sealed record FuzzFailure(byte[] Input, Exception Exception)
{
    /// <summary>Failures with the same signature are one finding: the exception type and its first frame.</summary>
    public string Signature
    {
        get
        {
            var frame = Exception.StackTrace?.Split('\n', 2)[0].Trim() ?? "";
            return Exception is FuzzPropertyException ? $"{Exception.GetType().Name}: {Exception.Message}" : $"{Exception.GetType().Name} {frame}";
        }
    }
}

/// <summary>
/// The mutation loop: starts from the target's seeds (and any extra corpus), mutates a corpus entry, runs it, and keeps
/// the input when its outcome label was not seen before (a cheap stand-in for new coverage: a new packet shape or a new
/// rejection reason). Deterministic for a given seed and iteration count. Failures are collected, not thrown.
/// </summary>
public sealed class FuzzRunner(FuzzTarget target, int seed)
{
    private const int MaxCorpus = 4096;
    private const int MaxFailuresPerSignature = 3;

    /// <summary>Called with (inputs so far, elapsed) about every second (long runs print progress from it).</summary>
    public Action<long, TimeSpan, int>? Progress { get; init; }

    /// <summary>When set, each input from this iteration on is written to <see cref="TracePath"/> before it runs (to catch a process crash).</summary>
    public long TraceFrom { get; init; } = long.MaxValue;

    /// <summary>Where <see cref="TraceFrom"/> writes the input about to run.</summary>
    public string? TracePath { get; init; }

    /// <summary>Runs <paramref name="iterations"/> mutated inputs, or until <paramref name="duration"/> passes when given.</summary>
    public FuzzResult Run(long iterations, TimeSpan? duration = null, IEnumerable<byte[]>? extraCorpus = null)
    {
        var corpus = new List<byte[]>();
        var outcomes = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<FuzzFailure>();
        var signatures = new Dictionary<string, int>(StringComparer.Ordinal);
        var stopwatch = Stopwatch.StartNew();
        long inputs = 0;

        foreach (var input in target.Seeds.Concat(extraCorpus ?? []))
        {
            corpus.Add(input);
            if (RunOne(input) is { } outcome)
            {
                outcomes.Add(outcome);
            }
        }

        var mutator = new Mutator(seed, target.Tokens);
        var random = new Random(seed ^ 0x5eed);
        var nextProgress = TimeSpan.FromSeconds(1);
        for (long i = 0; i < iterations; i++)
        {
            if ((i & 1023) == 0)
            {
                var elapsed = stopwatch.Elapsed;
                if (duration is { } limit && elapsed >= limit)
                {
                    break;
                }

                if (Progress is not null && elapsed >= nextProgress)
                {
                    Progress(inputs, elapsed, failures.Count);
                    nextProgress = elapsed + TimeSpan.FromSeconds(10);
                }
            }

            // Newer corpus entries are picked more often, as they are the newer shapes.
            var pick = random.Next(2) == 0 ? random.Next(corpus.Count) : corpus.Count - 1 - random.Next(Math.Min(corpus.Count, 64));
            var input = mutator.Mutate(corpus[pick], corpus[random.Next(corpus.Count)]);
            if (i >= TraceFrom && TracePath is not null)
            {
                File.WriteAllBytes(TracePath, input);
            }

            if (RunOne(input) is { } outcome && outcomes.Count < 100_000 && outcomes.Add(outcome) && corpus.Count < MaxCorpus)
            {
                corpus.Add(input);
            }
        }

        return new FuzzResult(target.Name, inputs, stopwatch.Elapsed, outcomes.Count, corpus.Count, failures);

        string? RunOne(byte[] input)
        {
            inputs++;
            try
            {
                return target.Execute(input);
            }
            catch (Exception e)
            {
                var failure = new FuzzFailure(input, e);
                var count = signatures.GetValueOrDefault(failure.Signature);
                signatures[failure.Signature] = count + 1;
                if (count < MaxFailuresPerSignature)
                {
                    failures.Add(failure);
                }

                return null;
            }
        }
    }
}
