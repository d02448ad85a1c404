#if !NET
namespace TypedSockets.Client;

/// <summary>netstandard2.1 shim of the .NET 6 <c>Random.Shared</c>: thread safe, one generator per thread, each seeded apart.</summary>
internal static class SharedRandom
{
    extension(Random)
    {
        public static Random Shared => ThreadSafeRandom.Instance;
    }

    private sealed class ThreadSafeRandom : Random
    {
        public static readonly ThreadSafeRandom Instance = new();

        private static readonly Random s_seeds = new();

        [ThreadStatic]
        private static Random? t_local;

        private static Random Local => t_local ??= CreateLocal();

        public override int Next() => Local.Next();

        public override int Next(int maxValue) => Local.Next(maxValue);

        public override int Next(int minValue, int maxValue) => Local.Next(minValue, maxValue);

        public override double NextDouble() => Local.NextDouble();

        public override void NextBytes(byte[] buffer) => Local.NextBytes(buffer);

        public override void NextBytes(Span<byte> buffer) => Local.NextBytes(buffer);

        protected override double Sample() => Local.NextDouble();

        private static Random CreateLocal()
        {
            int seed;
            lock (s_seeds)
            {
                seed = s_seeds.Next();
            }

            return new Random(seed);
        }
    }
}
#endif
