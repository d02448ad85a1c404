namespace TypedSockets; internal static class AssemblyMarker { }
