using BenchmarkDotNet.Running;

// Run from the repository root (the Node server script is found from there):
//   dotnet run -c Release --project tests/TypedSockets.Client.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(TypedSockets.Client.Benchmarks.EmitBenchmarks).Assembly).Run(args);
