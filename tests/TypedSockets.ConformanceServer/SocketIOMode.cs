namespace TypedSockets.ConformanceServer;

/// <summary>Socket.IO mode: <c>/socket.io/</c> with the suite's expected handlers.</summary>
internal static class SocketIOMode
{
    public static WebApplication Configure(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseCors();
        // Filled in by the Socket.IO layer.
        return app;
    }
}
