// netstandard2.1 has no IsExternalInit, which records and init accessors need: Unity users add this same file.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
