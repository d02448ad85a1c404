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
/// when one does, anonymous clients may connect and the class attributes are checked per event for the other methods.
/// </remarks>
internal sealed class SocketHubAuthorizationRules
{
    private SocketHubAuthorizationRules(IAuthorizeData[]? connect, FrozenDictionary<string, IAuthorizeData[]> events)
    {
        Connect = connect;
        Events = events;
    }

    /// <summary>What the CONNECT requires (null: nothing).</summary>
    public IAuthorizeData[]? Connect { get; }

    /// <summary>What each event requires, by wire name (events that require nothing are absent).</summary>
    public FrozenDictionary<string, IAuthorizeData[]> Events { get; }

    /// <summary>True when the hub has no attribute that asks for anything.</summary>
    public bool IsEmpty => Connect is null && Events.Count == 0;

    /// <summary>Reads the attributes of <paramref name="hubType"/> and of the methods implementing its event interfaces.</summary>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2072",
        Justification = "GetInterfaceMap needs the interface's methods: the event interfaces' methods are all called by the generated dispatcher, so they are kept, and the hub's implementing methods are kept by the annotation.")]
    public static SocketHubAuthorizationRules Create(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.Interfaces)]
        Type hubType)
    {
        var classAttributes = hubType.GetCustomAttributes(inherit: true);
        var classAnonymous = Has<IAllowAnonymous>(classAttributes);
        var classData = classAnonymous ? [] : Collect(classAttributes);

        var methodRules = new Dictionary<string, (bool Anonymous, List<IAuthorizeData> Data)>(StringComparer.Ordinal);
        var anyAnonymousMethod = false;
        var contracts = EventInterfaces(hubType);

        // A virtual method overridden by a derived hub: read the override's attributes (they include the base's).
        var overrides = new Dictionary<MethodInfo, MethodInfo>();
        foreach (var method in hubType.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (method.IsVirtual)
            {
                overrides[method.GetBaseDefinition()] = method;
            }
        }

        foreach (var contract in contracts)
        {
            var map = hubType.GetInterfaceMap(contract);
            for (var i = 0; i < map.InterfaceMethods.Length; i++)
            {
                var target = map.TargetMethods[i];
                if (target.IsVirtual && overrides.TryGetValue(target.GetBaseDefinition(), out var mostDerived))
                {
                    target = mostDerived;
                }

                var attributes = target.GetCustomAttributes(inherit: true);
                var anonymous = Has<IAllowAnonymous>(attributes);
                var data = Collect(attributes);
                if (!anonymous && data.Length == 0)
                {
                    continue;
                }

                anyAnonymousMethod |= anonymous;
                var name = WireName(map.InterfaceMethods[i]);
                ref var rule = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(methodRules, name, out var exists);
                if (!exists)
                {
                    rule = (anonymous, []);
                }
                else
                {
                    // Two interfaces name the same event: the stricter rule wins.
                    rule.Anonymous &= anonymous;
                }

                rule.Data.AddRange(data);
            }
        }

        // The class rule is checked at the CONNECT unless a method lets anonymous clients in; then it is checked per event.
        var classAtConnect = classData.Length > 0 && !anyAnonymousMethod;
        var events = new Dictionary<string, IAuthorizeData[]>(StringComparer.Ordinal);
        foreach (var (name, rule) in methodRules)
        {
            if (rule.Anonymous)
            {
                continue;
            }

            IAuthorizeData[] data = classAtConnect || classData.Length == 0 ? [.. rule.Data] : [.. classData, .. rule.Data];
            if (data.Length > 0)
            {
                events[name] = data;
            }
        }

        if (!classAtConnect && classData.Length > 0)
        {
            // Methods without attributes of their own still need the class rule.
            foreach (var contract in contracts)
            {
                foreach (var method in hubType.GetInterfaceMap(contract).InterfaceMethods)
                {
                    var name = WireName(method);
                    if (!methodRules.ContainsKey(name))
                    {
                        events[name] = classData;
                    }
                }
            }
        }

        return new SocketHubAuthorizationRules(classAtConnect ? classData : null, events.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The <c>[SocketEvents]</c> interfaces <paramref name="hubType"/> implements, with the interfaces they extend.</summary>
    private static List<Type> EventInterfaces(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.Interfaces)] Type hubType)
    {
        var all = hubType.GetInterfaces();
        var result = new List<Type>();
        foreach (var contract in all)
        {
            if (contract.GetCustomAttribute<SocketEventsAttribute>() is null)
            {
                continue;
            }

            if (!result.Contains(contract))
            {
                result.Add(contract);
            }

            // A contract's base interfaces are part of it (the generator dispatches their methods too); the hub implements them.
            foreach (var inherited in all)
            {
                if (inherited != contract && inherited.IsAssignableFrom(contract) && !result.Contains(inherited))
                {
                    result.Add(inherited);
                }
            }
        }

        return result;
    }

    /// <summary>The event's wire name as the generator computes it: <c>[SocketEvent("name")]</c>, else the camelCase method name.</summary>
    private static string WireName(MethodInfo interfaceMethod) =>
        interfaceMethod.GetCustomAttribute<SocketEventAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(interfaceMethod.Name);

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
