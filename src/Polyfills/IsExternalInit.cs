#if !NET
namespace System.Runtime.CompilerServices;

/// <summary>netstandard2.1 shim: the compiler needs this type to emit <c>init</c> accessors (records, init-only properties).</summary>
internal static class IsExternalInit;
#endif
