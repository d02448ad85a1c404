using System;
using System.Collections.Generic;
using System.Linq;
using TypedSockets.Generators.Model;

namespace TypedSockets.Generators.TypeScript;

/// <summary>
/// Writes the TypeScript file of a compilation's contracts (a pure function of the models), and the C# file that
/// carries it to the build (<see cref="EmitCarrier"/>): the generator never writes files, the build targets do.
/// </summary>
internal static class TypeScriptEmitter
{
    public const string CarrierHintName = "TypedSockets.TypeScript.g.cs";

    /// <summary>Each TypeScript line in the carrier starts with this; the build target keeps what follows it.</summary>
    public const string CarrierLinePrefix = "//| ";

    /// <summary>
    /// The TypeScript text. Deterministic: contracts, pairs and types sorted by name (ordinal). Two C# types that would
    /// get one TypeScript name are reported in <paramref name="diagnostics"/> (TSG0028) and the first one kept.
    /// </summary>
    public static string Emit(TypeScriptOptionsModel options, IEnumerable<TypeScriptContractModel> contracts, EquatableArray<TypeScriptPairModel> pairs, List<DiagnosticInfo> diagnostics)
    {
        var contractList = contracts.OrderBy(c => c.MapName, StringComparer.Ordinal).ThenBy(c => c.CSharpName, StringComparer.Ordinal).ToList();
        var names = new Dictionary<string, string>(StringComparer.Ordinal); // TypeScript name -> what took it
        var types = new List<TypeScriptTypeModel>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Collide(string name, string first, string second) =>
            diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.TypeScriptNameCollision.Id, null, new EquatableArray<string>([name, first, second])));

        var writtenContracts = new List<TypeScriptContractModel>();
        foreach (var contract in contractList)
        {
            if (names.TryGetValue(contract.MapName, out var owner))
            {
                Collide(contract.MapName, owner, contract.CSharpName);
                continue;
            }

            names.Add(contract.MapName, contract.CSharpName);
            writtenContracts.Add(contract);
        }

        // A pair's client contract is what the server calls on the page: socket.io-client pages neither serve a result
        // stream nor consume a stream argument (docs/streaming.md's helper consumes and produces the page's calls).
        var clientMaps = new HashSet<string>(pairs.Select(p => p.ClientMapName), StringComparer.Ordinal);
        var events = new Dictionary<string, List<TypeScriptEventModel>>(StringComparer.Ordinal);
        foreach (var contract in writtenContracts)
        {
            var kept = new List<TypeScriptEventModel>();
            foreach (var evt in contract.Events)
            {
                if (evt.StreamDiagnostic is not null && clientMaps.Contains(contract.MapName))
                {
                    diagnostics.Add(evt.StreamDiagnostic);
                    continue;
                }

                kept.Add(evt);
            }

            events.Add(contract.MapName, kept);
            if (kept.Any(e => e.ResultStream is not null))
            {
                var streamsName = StreamsName(contract);
                if (names.TryGetValue(streamsName, out var owner))
                {
                    Collide(streamsName, owner, contract.CSharpName);
                }
                else
                {
                    names.Add(streamsName, contract.CSharpName);
                }
            }
        }

        var anyStreams = events.Values.Any(list => list.Any(e => e.StreamDiagnostic is not null));

        foreach (var pair in pairs)
        {
            foreach (var generated in new[] { pair.Name + "ServerToClientEvents", pair.Name + "ClientToServerEvents", pair.Name + "ClientToServerEventsWithoutAck", pair.Name + "Socket" })
            {
                if (names.TryGetValue(generated, out var owner))
                {
                    Collide(generated, owner, "SocketContractPair \"" + pair.Name + "\"");
                }
                else
                {
                    names.Add(generated, "SocketContractPair \"" + pair.Name + "\"");
                }
            }
        }

        foreach (var type in writtenContracts.SelectMany(c => c.Types).OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Key, StringComparer.Ordinal))
        {
            if (!keys.Add(type.Key))
            {
                continue;
            }

            if (names.TryGetValue(type.Name, out var owner) || type.Name is "Socket" or "SocketError" or "isSocketError"
                || (anyStreams && type.Name is "StreamArgument" or "TypedStreams" or "typedStreams"))
            {
                Collide(type.Name, owner ?? "TypedSockets' own " + type.Name, type.CSharpName);
                continue;
            }

            names.Add(type.Name, type.CSharpName);
            types.Add(type);
        }

        var writer = new SourceWriter();
        writer.WriteLine("// <auto-generated/>");
        writer.WriteLine("// TypeScript types of the [SocketEvents] contracts of " + options.AssemblyName + ", written by the TypedSockets build.");
        writer.WriteLine("// Do not edit: the next build rewrites this file. The mapping is described in TypedSockets' docs/typescript.md.");
        writer.WriteLine("// Property names: " + options.NamingPolicy + " (TypedSocketsJsonNamingPolicy).");
        writer.WriteLine("/* eslint-disable */");
        writer.WriteLine("import type { Socket } from \"socket.io-client\";");
        writer.WriteLine();
        WriteSocketError(writer);
        if (anyStreams)
        {
            writer.WriteLine();
            WriteStreamTypes(writer);
        }

        foreach (var pair in pairs)
        {
            writer.WriteLine();
            writer.WriteLine("/** The events a client of \"" + pair.Name + "\" listens to (what the server emits). */");
            writer.WriteLine("export type " + pair.Name + "ServerToClientEvents = " + pair.ClientMapName + ";");
            writer.WriteLine();
            writer.WriteLine("/** The events a client of \"" + pair.Name + "\" emits (what the server handles). */");
            writer.WriteLine("export type " + pair.Name + "ClientToServerEvents = " + pair.ServerMapName + ";");
            var server = writtenContracts.FirstOrDefault(c => string.Equals(c.MapName, pair.ServerMapName, StringComparison.Ordinal));
            var acked = server is null ? new List<TypeScriptEventModel>() : events[server.MapName].Where(e => e.Ack is not null).ToList();
            var socketType = "Socket<" + pair.Name + "ServerToClientEvents, " + pair.Name + "ClientToServerEvents>";
            if (acked.Count > 0)
            {
                // socket.io-client types an event's callback as required, and an optional one would make emitWithAck's
                // result `any`: the events the server acknowledges can also be emitted without a callback through a
                // second emit overload (the server then runs the handler and sends no acknowledgement).
                writer.WriteLine();
                writer.WriteLine("/** The acknowledged events of \"" + pair.Name + "\" as a client emits them without asking for the acknowledgement. */");
                Open(writer, "export interface " + pair.Name + "ClientToServerEventsWithoutAck");
                foreach (var evt in acked)
                {
                    writer.WriteLine(TypeScriptNaming.PropertyKey(evt.WireName) + ": (" + WriteParameters(evt, withAck: false) + ") => void;");
                }

                Close(writer);
                writer.WriteLine();
                writer.WriteLine("/**");
                writer.WriteLine(" * A socket.io-client socket typed by \"" + pair.Name + "\": `const socket: " + pair.Name + "Socket = io(url);`. An acknowledged event");
                writer.WriteLine(" * is emitted with its callback, awaited with `emitWithAck`, or emitted without the callback (no acknowledgement asked).");
                writer.WriteLine(" */");
                Open(writer, "export type " + pair.Name + "Socket = " + socketType + " &");
                writer.WriteLine("emit<Ev extends keyof " + pair.Name + "ClientToServerEventsWithoutAck>(ev: Ev, ...args: Parameters<" + pair.Name + "ClientToServerEventsWithoutAck[Ev]>): " + pair.Name + "Socket;");
                Close(writer, ";");
            }
            else
            {
                writer.WriteLine();
                writer.WriteLine("/** A socket.io-client socket typed by \"" + pair.Name + "\": `const socket: " + pair.Name + "Socket = io(url);` */");
                writer.WriteLine("export type " + pair.Name + "Socket = " + socketType + ";");
            }
        }

        foreach (var contract in writtenContracts)
        {
            writer.WriteLine();
            WriteContract(writer, contract, events[contract.MapName]);
        }

        foreach (var type in types)
        {
            writer.WriteLine();
            WriteType(writer, type, options.NamingPolicy);
        }

        return writer.ToString();
    }

    /// <summary>The C# file that carries <paramref name="typeScript"/>: comments only, nothing compiled.</summary>
    public static string EmitCarrier(string typeScript)
    {
        var writer = new SourceWriter();
        writer.WriteLine("// <auto-generated/>");
        writer.WriteLine("// The TypeScript types of this assembly's [SocketEvents] contracts. The TypedSockets build targets write the lines");
        writer.WriteLine("// below, without their \"" + CarrierLinePrefix + "\" prefix, to $(TypedSocketsTypeScriptOutput) when they changed.");
        foreach (var line in typeScript.Split('\n'))
        {
            writer.WriteLine(CarrierLinePrefix + line);
        }

        return writer.ToString();
    }

    /// <summary>The TypeScript text inside a carrier file (what the build target does, for tests).</summary>
    public static string ExtractFromCarrier(string carrier)
    {
        var lines = carrier.Replace("\r\n", "\n").Split('\n').Where(l => l.StartsWith(CarrierLinePrefix, StringComparison.Ordinal)).Select(l => l.Substring(CarrierLinePrefix.Length));
        return string.Join("\n", lines);
    }

    /// <summary>Opens a block in TypeScript's style (the brace on the header's line).</summary>
    private static void Open(SourceWriter writer, string header)
    {
        writer.WriteLine(header + " {");
        writer.Indent();
    }

    private static void Close(SourceWriter writer, string suffix = "")
    {
        writer.Unindent();
        writer.WriteLine("}" + suffix);
    }

    private static void WriteSocketError(SourceWriter writer)
    {
        writer.WriteLine("/**");
        writer.WriteLine(" * What an acknowledgement carries instead of the event's result when the handler failed:");
        writer.WriteLine(" * `{\"error\":{\"message\":\"...\",\"code\":\"...\"}}`. Test for it with {@link isSocketError}.");
        writer.WriteLine(" */");
        Open(writer, "export interface SocketError");
        writer.WriteLine("error: { message: string; code?: string; data?: unknown };");
        Close(writer);
        writer.WriteLine();
        writer.WriteLine("/** True when an acknowledgement is a {@link SocketError} rather than the event's result. */");
        Open(writer, "export function isSocketError(value: unknown): value is SocketError");
        writer.WriteLine("if (typeof value !== \"object\" || value === null || !(\"error\" in value)) {");
        writer.WriteLine("    return false;");
        writer.WriteLine("}");
        writer.WriteLine("const error: unknown = (value as { error: unknown }).error;");
        writer.WriteLine("return typeof error === \"object\" && error !== null && typeof (error as { message?: unknown }).message === \"string\";");
        Close(writer);
    }

    /// <summary><c>ChatServerEvents</c> → <c>ChatServerStreams</c>: the result streams of a contract.</summary>
    private static string StreamsName(TypeScriptContractModel contract) =>
        (contract.MapName.EndsWith("Events", StringComparison.Ordinal) ? contract.MapName.Substring(0, contract.MapName.Length - "Events".Length) : contract.MapName) + "Streams";

    private static void WriteStreamTypes(SourceWriter writer)
    {
        writer.WriteLine("declare const streamItem: unique symbol;");
        writer.WriteLine();
        writer.WriteLine("/** A stream argument on the wire: the id `produce(items)` of docs/streaming.md's `useStreams(socket)` returns, in the argument's place. */");
        writer.WriteLine("export type StreamArgument<T> = number & { readonly [streamItem]: T };");
        writer.WriteLine();
        writer.WriteLine("/**");
        writer.WriteLine(" * `useStreams(socket)` of docs/streaming.md typed by a contract's result streams `S` (such as `ChatServerStreams`):");
        writer.WriteLine(" * `consume(\"ticks\", \"MSFT\")` is an `AsyncIterable<Tick>`; `produce(items)` is a `StreamArgument` of the items' type.");
        writer.WriteLine(" */");
        Open(writer, "export interface TypedStreams<S>");
        writer.WriteLine("consume<K extends keyof S & string>(event: K, ...args: S[K] extends (...args: infer A) => AsyncIterable<unknown> ? A : never): S[K] extends (...args: never[]) => infer R ? R : never;");
        writer.WriteLine("produce<T>(items: AsyncIterable<T> | Iterable<T>): StreamArgument<T>;");
        Close(writer);
        writer.WriteLine();
        writer.WriteLine("/** Types the helper's result: `const streams = typedStreams<ChatServerStreams>(useStreams(socket));` (no run-time effect). */");
        Open(writer, "export function typedStreams<S>(streams: { consume(event: string, ...args: never[]): AsyncIterable<unknown>; produce(items: never): number }): TypedStreams<S>");
        writer.WriteLine("return streams as unknown as TypedStreams<S>;");
        Close(writer);
    }

    private static void WriteContract(SourceWriter writer, TypeScriptContractModel contract, List<TypeScriptEventModel> events)
    {
        writer.WriteLine("/** The events of " + contract.CSharpName + " (an event map in socket.io's shape). */");
        Open(writer, "export interface " + contract.MapName);
        foreach (var evt in events.Where(e => e.ResultStream is null))
        {
            writer.WriteLine(TypeScriptNaming.PropertyKey(evt.WireName) + ": (" + WriteParameters(evt) + ") => void;");
        }

        Close(writer);
        var streams = events.Where(e => e.ResultStream is not null).ToList();
        if (streams.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine("/** The result streams of " + contract.CSharpName + ", consumed with {@link TypedStreams}: `for await (const item of streams.consume(\"event\", ...args))`. */");
            Open(writer, "export interface " + StreamsName(contract));
            foreach (var evt in streams)
            {
                writer.WriteLine(TypeScriptNaming.PropertyKey(evt.WireName) + ": (" + WriteParameters(evt) + ") => AsyncIterable<" + evt.ResultStream + ">;");
            }

            Close(writer);
        }
    }

    private static string WriteParameters(TypeScriptEventModel evt, bool withAck = true)
    {
        var parts = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in evt.Parameters)
        {
            var name = TypeScriptNaming.ParameterName(parameter.Name);
            used.Add(name);

            // A callback follows the arguments of an acknowledged event, and TypeScript allows no optional parameter
            // before a required one: there, C# optional parameters are passed explicitly.
            var optional = parameter.Optional && (evt.Ack is null || !withAck);
            parts.Add(name + (optional ? "?" : string.Empty) + ": " + parameter.Type);
        }

        if (evt.Ack is not null && withAck)
        {
            var callback = used.Contains("callback") ? "ack" : "callback";
            parts.Add(callback + ": (result: " + evt.Ack + ") => void");
        }

        return string.Join(", ", parts);
    }

    private static void WriteType(SourceWriter writer, TypeScriptTypeModel type, string namingPolicy)
    {
        writer.WriteLine("/** " + type.CSharpName + " */");
        switch (type.Kind)
        {
            case TypeScriptTypeKind.NumberEnum:
                Open(writer, "export const " + type.Name + " =");
                foreach (var member in type.Members)
                {
                    writer.WriteLine(TypeScriptNaming.PropertyKey(member.Name) + ": " + member.Type + ",");
                }

                writer.CloseBlock(" as const;");
                writer.WriteLine("export type " + type.Name + " = (typeof " + type.Name + ")[keyof typeof " + type.Name + "];");
                break;
            case TypeScriptTypeKind.StringEnum:
                var union = type.Extends ?? (type.Members.Count == 0 ? "never" : string.Join(" | ", type.Members.Select(m => m.Type)));
                writer.WriteLine("export type " + type.Name + " = " + union + ";");
                break;
            default:
                var header = "export interface " + type.Name
                    + (type.TypeParameters.Count > 0 ? "<" + string.Join(", ", type.TypeParameters) + ">" : string.Empty)
                    + (type.Extends is null ? string.Empty : " extends " + type.Extends);
                Open(writer, header);
                foreach (var member in type.Members)
                {
                    var name = member.IsWireName ? member.Name : TypeScriptNaming.Apply(namingPolicy, member.Name);
                    writer.WriteLine(TypeScriptNaming.PropertyKey(name) + (member.Optional ? "?" : string.Empty) + ": " + member.Type + ";");
                }

                Close(writer);
                break;
        }
    }
}
