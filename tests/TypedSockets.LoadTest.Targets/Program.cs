using System.Globalization;
using TypedSockets.LoadTest.Targets;

// Benchmark targets on Kestrel: dotnet TypedSockets.LoadTest.Targets.dll --target typedsockets|soak|signalr|raw --port P [--parser json|msgpack] [--api typed|untyped]
var target = "typedsockets";
var port = 5000;
var parser = "json";
var api = "typed";
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--target":
            target = args[i + 1];
            break;
        case "--port":
            port = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--parser":
            parser = args[i + 1];
            break;
        case "--api":
            api = args[i + 1];
            break;
    }
}

var app = BenchmarkTargets.Build(target, port, parser, api);
await app.RunAsync();
