namespace TypedSockets.ConformanceServer;

/// <summary>Engine.IO mode: <c>/engine.io/</c>, echo every message (text and binary).</summary>
internal static class EngineIOMode
{
    public static WebApplication Configure(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseCors();
        // TODO(engine.io helper): app.MapEngineIO("/engine.io", new EchoHandler(), o => { ping 300/200 ... }).RequireCors(...)
        return app;
    }
}
