namespace TypedSockets.LoadTest.Reporting;

public static class ReportWriter
{
    public static void Write(string results, string doc, string images, string? meta) => throw new NotImplementedException();
}
