using TypedSockets.ConformanceServer;

var app = ConformanceHost.Build(args);
await app.RunAsync();
