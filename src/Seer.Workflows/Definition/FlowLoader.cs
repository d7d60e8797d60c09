using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace Seer.Workflows.Definition;

/// <summary>
/// Reads a flow file (YAML by extension .yaml/.yml, else JSON) into a <see cref="FlowDefinition"/> and checks it
/// whole before anything runs: known keys only, unique step ids, an operation or a foreach body per step, known
/// operations, joins that name an earlier foreach step. Errors name the file and the step.
/// </summary>
public static class FlowLoader
{
    private static readonly HashSet<string> TopKeys = ["name", "params", "steps", "outputs", "description"];
    private static readonly HashSet<string> StepKeys = ["id", "op", "with", "if", "foreach", "concurrency", "steps", "join", "card", "description"];

    /// <summary>Largest concurrency a foreach may ask for.</summary>
    public const int MaxConcurrency = 256;

    public static FlowDefinition LoadFile(string path, IReadOnlyCollection<string> knownOperations)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeerException(ErrorCodes.NotFound, $"cannot read flow file: {e.Message}", path);
        }
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return Parse(text, ext is ".yaml" or ".yml" ? "yaml" : "json", path, knownOperations);
    }

    public static FlowDefinition Parse(string text, string format, string display, IReadOnlyCollection<string> knownOperations)
    {
        JsonNode? root = format == "yaml" ? YamlToJson(text, display) : ParseJson(text, display);
        if (root is not JsonObject top) throw Invalid(display, "a flow is an object with 'name' and 'steps'");
        foreach (var (key, _) in top)
            if (!TopKeys.Contains(key)) throw Invalid(display, $"unknown key '{key}' (allowed: {string.Join(", ", TopKeys)})");
        string name = top["name"]?.GetValueKind() == JsonValueKind.String ? top["name"]!.GetValue<string>() : Path.GetFileNameWithoutExtension(display);
        var @params = top["params"] switch
        {
            null => new JsonObject(),
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => throw Invalid(display, "'params' must be an object of name: default"),
        };
        if (top["steps"] is not JsonArray steps || steps.Count == 0) throw Invalid(display, "'steps' must be a non-empty list");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var foreachIds = new HashSet<string>(StringComparer.Ordinal);
        var parsed = ParseSteps(steps, display, knownOperations, ids, foreachIds, inBranch: false);
        var outputs = top["outputs"] switch
        {
            null => new JsonObject(),
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => throw Invalid(display, "'outputs' must be an object of name: ${reference}"),
        };
        return new FlowDefinition(name, @params, parsed, outputs, text, format);
    }

    private static List<FlowStep> ParseSteps(JsonArray steps, string display, IReadOnlyCollection<string> ops,
        HashSet<string> ids, HashSet<string> foreachIds, bool inBranch)
    {
        var list = new List<FlowStep>();
        foreach (JsonNode? node in steps)
        {
            if (node is not JsonObject s) throw Invalid(display, "every step is an object with an 'id'");
            string id = s["id"]?.GetValueKind() == JsonValueKind.String ? s["id"]!.GetValue<string>() : throw Invalid(display, "a step has no 'id'");
            if (!System.Text.RegularExpressions.Regex.IsMatch(id, "^[A-Za-z][A-Za-z0-9_-]{0,63}$"))
                throw Invalid(display, $"step id '{id}' must start with a letter and hold only letters, digits, '-' and '_'");
            if (!ids.Add(id)) throw Invalid(display, $"step id '{id}' is used twice");
            foreach (var (key, _) in s)
                if (!StepKeys.Contains(key)) throw Invalid(display, $"step '{id}': unknown key '{key}' (allowed: {string.Join(", ", StepKeys)})");
            string? op = Str(s, "op", id, display);
            string? cond = s["if"] switch
            {
                null => null,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                var other => other.ToJsonString(),
            };
            string? join = Str(s, "join", id, display);
            bool card = s["card"]?.GetValueKind() != JsonValueKind.False;
            FlowForeach? fe = null;
            IReadOnlyList<FlowStep> body = [];
            if (s["foreach"] is { } items)
            {
                if (inBranch) throw Invalid(display, $"step '{id}': a foreach inside a foreach is not supported; flatten the lists");
                if (op is not null) throw Invalid(display, $"step '{id}': a foreach step has a body of 'steps', not an 'op'");
                int concurrency = 4;
                if (s["concurrency"] is { } c)
                {
                    if (c.GetValueKind() != JsonValueKind.Number || !int.TryParse(c.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out concurrency)
                        || concurrency < 1 || concurrency > MaxConcurrency)
                        throw Invalid(display, $"step '{id}': concurrency must be a whole number from 1 to {MaxConcurrency} (was {c.ToJsonString()})");
                }
                if (s["steps"] is not JsonArray inner || inner.Count == 0) throw Invalid(display, $"step '{id}': a foreach needs a non-empty 'steps' body");
                body = ParseSteps(inner, display, ops, ids, foreachIds, inBranch: true);
                fe = new FlowForeach(items.DeepClone(), concurrency);
                foreachIds.Add(id);
            }
            else
            {
                if (op is null) throw Invalid(display, $"step '{id}' has neither 'op' nor 'foreach'");
                if (!ops.Contains(op)) throw Invalid(display, $"step '{id}': unknown op '{op}' (known: {string.Join(", ", ops.Order())})");
                if (s["steps"] is not null || s["concurrency"] is not null) throw Invalid(display, $"step '{id}': 'steps' and 'concurrency' belong to foreach steps");
            }
            if (join is not null && !foreachIds.Contains(join))
                throw Invalid(display, $"step '{id}': join '{join}' is not an earlier foreach step");
            list.Add(new FlowStep(id, op, s["with"]?.DeepClone(), cond, fe, body, join, card));
        }
        return list;
    }

    private static string? Str(JsonObject s, string key, string id, string display) => s[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw Invalid(display, $"step '{id}': '{key}' must be a string"),
    };

    private static JsonNode? ParseJson(string text, string display)
    {
        try { return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }); }
        catch (JsonException e)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"invalid JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {e.Message}", display);
        }
    }

    /// <summary>YAML → JSON nodes. Scalars keep YAML's plain-scalar types (numbers, true/false, null); quoted
    /// scalars stay strings.</summary>
    internal static JsonNode? YamlToJson(string text, string display)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", display);
        }
        if (stream.Documents.Count != 1) throw Invalid(display, "the file must hold exactly one YAML document");
        return Convert(stream.Documents[0].RootNode, display, 0);
    }

    private static JsonNode? Convert(YamlNode node, string display, int depth)
    {
        if (depth > 64) throw Invalid(display, "nested deeper than 64 levels");
        switch (node)
        {
            case YamlMappingNode map:
                var o = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    string key = k is YamlScalarNode ks ? ks.Value ?? "" : throw Invalid(display, $"line {k.Start.Line}: keys must be plain strings");
                    if (o.ContainsKey(key)) throw Invalid(display, $"line {k.Start.Line}: key '{key}' appears twice");
                    o[key] = Convert(v, display, depth + 1);
                }
                return o;
            case YamlSequenceNode seq:
                var a = new JsonArray();
                foreach (var item in seq.Children) a.Add(Convert(item, display, depth + 1));
                return a;
            case YamlScalarNode sc:
                string value = sc.Value ?? "";
                if (sc.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted
                    or YamlDotNet.Core.ScalarStyle.Literal or YamlDotNet.Core.ScalarStyle.Folded)
                    return JsonValue.Create(value);
                if (value is "" or "~" or "null") return null;
                if (value is "true" or "True") return JsonValue.Create(true);
                if (value is "false" or "False") return JsonValue.Create(false);
                if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return JsonValue.Create(l);
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)) return JsonValue.Create(d);
                return JsonValue.Create(value);
            default:
                throw Invalid(display, $"line {node.Start.Line}: unsupported YAML node (anchors and aliases are not read)");
        }
    }

    private static SeerException Invalid(string display, string message) => new(ErrorCodes.InvalidInput, $"flow: {message}", display);
}
