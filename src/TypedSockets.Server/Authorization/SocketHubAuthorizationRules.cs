using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;

namespace TypedSockets.Server;

/// <summary>
/// The <c>[Authorize]</c> / <c>[AllowAnonymous]</c> attributes of one hub type, read once when the hub is mapped:
/// what the namespace CONNECT requires, and what each event (hub method) requires on top of it.
/// </summary>
/// <remarks>
/// The class attributes apply to every method (as a controller's do to its actions in MVC). When no method has
/// <c>[AllowAnonymous]</c>, they are checked once, at the CONNECT (the user is the handshake's and does not change);
/// when one does, anonymous clients may connect and the class attributes are checked per event for every event but
/// the exempt ones (<see cref="Default"/>: also events this type does not know, so nothing is left open by mistake).
/// Hub methods are matched to the contract's methods by name and parameter types (explicit implementations included),
/// without <c>GetInterfaceMap</c>, which Native AOT answers with an empty map. A hub method that has attributes but
/// matches no event makes <see cref="Create"/> throw rather than leave the event unprotected.
/// </remarks>
internal sealed class SocketHubAuthorizationRules
{
    private SocketHubAuthorizationRules(IAuthorizeData[]? connect, FrozenDictionary<string, IAuthorizeData[]> events, FrozenSet<string> anonymous, IAuthorizeData[]? @default)
    {
        Connect = connect;
        Events = events;
        Anonymous = anonymous;
        Default = @default;
    }

    /// <summary>What the CONNECT requires (null: nothing).</summary>
    public IAuthorizeData[]? Connect { get; }

    /// <summary>What events with a rule of their own require, by wire name (the class rule included when it applies per event).</summary>
    public FrozenDictionary<string, IAuthorizeData[]> Events { get; }

    /// <summary>Events exempt from every rule (<c>[AllowAnonymous]</c> methods).</summary>
    public FrozenSet<string> Anonymous { get; }

    /// <summary>What every other event requires (the class rule when it is checked per event), null when nothing.</summary>
    public IAuthorizeData[]? Default { get; }

    /// <summary>True when the hub has no attribute that asks for anything.</summary>
    public bool IsEmpty => Connect is null && Events.Count == 0 && Default is null;

    /// <summary>True when events need checking (a built-in filter is then added to the hub).</summary>
    public bool ChecksEvents => Events.Count > 0 || Default is not null;

    /// <summary>The rule of one event, null when it needs nothing.</summary>
    public IAuthorizeData[]? For(string eventName) =>
        Events.TryGetValue(eventName, out var data) ? data : Anonymous.Contains(eventName) ? null : Default;

    /// <summary>Reads the attributes of <paramref name="hubType"/> and of its methods that implement its contract's events.</summary>
    /// <exception cref="InvalidOperationException">A method has <c>[Authorize]</c> or <c>[AllowAnonymous]</c> but is not an event of the hub's contract.</exception>
    public static SocketHubAuthorizationRules Create(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)]
        Type hubType)
    {
        var classAttributes = hubType.GetCustomAttributes(inherit: true);
        var classAnonymous = Has<IAllowAnonymous>(classAttributes);
        var classData = classAnonymous ? [] : Collect(classAttributes);

        // The hub's methods that carry attributes (public ones, inherited included, and the hub's own non-public ones:
        // explicit interface implementations).
        var attributed = new List<(MethodInfo Method, bool Anonymous, IAuthorizeData[] Data)>();
        foreach (var method in hubType.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            var attributes = method.GetCustomAttributes(inherit: true);
            var anonymous = Has<IAllowAnonymous>(attributes);
            var data = Collect(attributes);
            if (anonymous || data.Length > 0)
            {
                attributed.Add((method, anonymous, data));
            }
        }

        var methodRules = new Dictionary<string, (bool Anonymous, List<IAuthorizeData> Data)>(StringComparer.Ordinal);
        if (attributed.Count > 0)
        {
            var matched = new bool[attributed.Count];
            foreach (var contractMethod in ContractMethods(hubType))
            {
                var name = WireName(contractMethod);
                for (var i = 0; i < attributed.Count; i++)
                {
                    var (method, anonymous, data) = attributed[i];
                    if (!Implements(method, contractMethod))
                    {
                        continue;
                    }

                    matched[i] = true;
                    ref var rule = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(methodRules, name, out var exists);
                    if (!exists)
                    {
                        rule = (anonymous, []);
                    }
                    else
                    {
                        rule.Anonymous &= anonymous; // two methods answer to one name: the stricter rule wins
                    }

                    rule.Data.AddRange(data);
                }
            }

            for (var i = 0; i < attributed.Count; i++)
            {
                if (!matched[i] && !IsFrameworkMethod(attributed[i].Method))
                {
                    throw new InvalidOperationException(
                        $"{hubType.Name}.{attributed[i].Method.Name} has [Authorize] or [AllowAnonymous] but implements no event of the hub's contract, so the attribute would protect nothing. " +
                        "Put it on a method that implements the contract (the TServer interface of SocketHub<TServer, TClient>).");
                }
            }
        }

        var anyAnonymousMethod = false;
        foreach (var rule in methodRules.Values)
        {
            anyAnonymousMethod |= rule.Anonymous;
        }

        // The class rule is checked at the CONNECT unless a method lets anonymous clients in; then it is checked per event.
        var classAtConnect = classData.Length > 0 && !anyAnonymousMethod;
        var classPerEvent = classData.Length > 0 && anyAnonymousMethod;
        var events = new Dictionary<string, IAuthorizeData[]>(StringComparer.Ordinal);
        var exempt = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, rule) in methodRules)
        {
            if (rule.Anonymous)
            {
                exempt.Add(name);
                continue;
            }

            IAuthorizeData[] data = classPerEvent ? [.. classData, .. rule.Data] : [.. rule.Data];
            if (data.Length > 0)
            {
                events[name] = data;
            }
        }

        return new SocketHubAuthorizationRules(
            classAtConnect ? classData : null,
            events.ToFrozenDictionary(StringComparer.Ordinal),
            exempt.ToFrozenSet(StringComparer.Ordinal),
            classPerEvent ? classData : null);
    }

    /// <summary>The methods of the hub's <c>TServer</c> contract and of the interfaces it extends.</summary>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2075",
        Justification = "TServer of SocketHub<TServer, TClient> is annotated PublicMethods, so the contract's methods are kept and reflectable; the interfaces it extends are the generated dispatcher's too.")]
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2065",
        Justification = "As above: the contract type is TServer of SocketHub<TServer, TClient>.")]
    private static List<MethodInfo> ContractMethods(Type hubType)
    {
        var methods = new List<MethodInfo>();
        for (var type = hubType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(SocketHub<,>))
            {
                var contract = type.GetGenericArguments()[0];
                methods.AddRange(contract.GetMethods());
                foreach (var inherited in contract.GetInterfaces())
                {
                    methods.AddRange(inherited.GetMethods());
                }

                break;
            }
        }

        return methods;
    }

    /// <summary>True when <paramref name="method"/> (of the hub) implements <paramref name="contractMethod"/>: same name, or an explicit implementation of it, and same parameter types.</summary>
    private static bool Implements(MethodInfo method, MethodInfo contractMethod)
    {
        var name = method.Name;
        if (name != contractMethod.Name &&
            !(name.EndsWith(contractMethod.Name, StringComparison.Ordinal) && name.Length > contractMethod.Name.Length && name[^(contractMethod.Name.Length + 1)] == '.'))
        {
            return false;
        }

        var a = method.GetParameters();
        var b = contractMethod.GetParameters();
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i].ParameterType != b[i].ParameterType)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Methods of the hub base classes and of <see cref="object"/> (never events).</summary>
    private static bool IsFrameworkMethod(MethodInfo method) =>
        method.DeclaringType == typeof(object) || method.DeclaringType?.Assembly == typeof(SocketHub).Assembly;

    /// <summary>The event's wire name as the generator computes it: <c>[SocketEvent("name")]</c>, else the camelCase method name.</summary>
    private static string WireName(MethodInfo contractMethod) =>
        contractMethod.GetCustomAttribute<SocketEventAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(contractMethod.Name);

    private static bool Has<T>(object[] attributes)
    {
        foreach (var attribute in attributes)
        {
            if (attribute is T)
            {
                return true;
            }
        }

        return false;
    }

    private static IAuthorizeData[] Collect(object[] attributes)
    {
        List<IAuthorizeData>? data = null;
        foreach (var attribute in attributes)
        {
            if (attribute is IAuthorizeData authorize)
            {
                (data ??= []).Add(authorize);
            }
        }

        return data is null ? [] : [.. data];
    }
}
