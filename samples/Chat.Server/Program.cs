using Chat.Server;

// dotnet run --project samples/Chat.Server            -> http://localhost:5000
// dotnet run --project samples/Chat.Server -- --port 8080
await ChatApp.Build(args).RunAsync();
