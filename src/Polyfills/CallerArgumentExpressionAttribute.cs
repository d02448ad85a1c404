#if !NET
namespace System.Runtime.CompilerServices;

/// <summary>netstandard2.1 shim of the .NET 5+ attribute: the compiler fills the parameter with the argument's source text.</summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
internal sealed class CallerArgumentExpressionAttribute(string parameterName) : Attribute
{
    public string ParameterName { get; } = parameterName;
}
#endif
