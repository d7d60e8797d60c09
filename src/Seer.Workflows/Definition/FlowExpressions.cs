using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Seer.Core.Errors;

namespace Seer.Workflows.Definition;

/// <summary>
/// <c>${...}</c> references in step inputs, conditions and flow outputs. A reference is a dotted path from one root:
/// <c>params.NAME</c>, <c>item</c> / <c>item.KEY</c> / <c>index</c> (inside a foreach body), <c>steps.ID.KEY...</c>
/// (a step's outputs; inside a body, the same branch's steps first) or <c>run.id</c> / <c>run.dir</c>. A string that
/// is exactly one reference takes the referenced value with its type; references inside longer strings are
/// interpolated as text. Written here because the language is this small: no expression library is needed for
/// dotted lookups and one comparison.
/// </summary>
public static partial class FlowExpressions
{
    [GeneratedRegex(@"\$\{\s*([A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*)\s*\}")]
    private static partial Regex Reference();

    /// <summary>Looks a root name up (params, item, index, steps, run); null when it does not exist.</summary>
    public delegate JsonNode? RootLookup(string root);

    /// <summary>A deep copy of <paramref name="node"/> with every reference substituted.</summary>
    public static JsonNode? Substitute(JsonNode? node, RootLookup lookup, string where) => node switch
    {
        null => null,
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Substitute(kv.Value, lookup, where)))),
        JsonArray a => new JsonArray(a.Select(x => Substitute(x, lookup, where)).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => SubstituteString(v.GetValue<string>(), lookup, where),
        _ => node.DeepClone(),
    };

    private static JsonNode? SubstituteString(string text, RootLookup lookup, string where)
    {
        var whole = Reference().Match(text);
        if (whole.Success && whole.Index == 0 && whole.Length == text.Length)
            return Resolve(whole.Groups[1].Value, lookup, where)?.DeepClone();
        if (!text.Contains("${", StringComparison.Ordinal)) return JsonValue.Create(text);
        string result = Reference().Replace(text, m => AsText(Resolve(m.Groups[1].Value, lookup, where)));
        return JsonValue.Create(result);
    }

    /// <summary>The value at a dotted path; a missing root or key is an error naming the reference.</summary>
    public static JsonNode? Resolve(string path, RootLookup lookup, string where)
    {
        string[] parts = path.Split('.');
        JsonNode? current = lookup(parts[0]);
        if (current is null && parts.Length == 1 && parts[0] is "item" or "index") return null;
        if (current is null) throw Missing(path, where, parts[0]);
        for (int i = 1; i < parts.Length; i++)
        {
            current = current switch
            {
                JsonObject o when o.TryGetPropertyValue(parts[i], out var next) => next,
                JsonArray a when int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k < a.Count => a[k],
                _ => throw Missing(path, where, string.Join('.', parts[..(i + 1)])),
            };
            if (current is null && i < parts.Length - 1) throw Missing(path, where, string.Join('.', parts[..(i + 1)]));
        }
        return current;
    }

    /// <summary>Evaluates a condition after substitution: <c>A OP B</c> with OP one of == != &gt;= &lt;= &gt; &lt;
    /// (numbers compared as numbers, else as text), or one value that is true, a non-zero number or a non-empty string
    /// other than "false".</summary>
    public static bool Condition(string expression, RootLookup lookup, string where)
    {
        string text = Reference().Replace(expression, m => AsText(Resolve(m.Groups[1].Value, lookup, where)));
        foreach (string op in new[] { "==", "!=", ">=", "<=", ">", "<" })
        {
            int at = text.IndexOf(op, StringComparison.Ordinal);
            if (at < 0) continue;
            string left = text[..at].Trim(), right = text[(at + op.Length)..].Trim().Trim('"', '\'');
            left = left.Trim('"', '\'');
            bool numeric = double.TryParse(left, NumberStyles.Float, CultureInfo.InvariantCulture, out double l)
                & double.TryParse(right, NumberStyles.Float, CultureInfo.InvariantCulture, out double r);
            int cmp = numeric ? l.CompareTo(r) : string.CompareOrdinal(left, right);
            return op switch
            {
                "==" => cmp == 0, "!=" => cmp != 0, ">=" => cmp >= 0, "<=" => cmp <= 0, ">" => cmp > 0, _ => cmp < 0,
            };
        }
        string v = text.Trim();
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double n)) return n != 0;
        return v.Length > 0 && !v.Equals("false", StringComparison.OrdinalIgnoreCase) && v != "null";
    }

    /// <summary>A JSON number as a double, whatever CLR type backs the node (parsed JSON, or an int/long a step or
    /// the YAML reader made).</summary>
    public static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A value as text: strings bare, numbers invariant, everything else as JSON.</summary>
    public static string AsText(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    /// <summary>A stable text form of a value (object keys sorted), for input hashes.</summary>
    public static string Canonical(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();

        static void Write(JsonNode? n, StringBuilder sb)
        {
            switch (n)
            {
                case JsonObject o:
                    sb.Append('{');
                    bool first = true;
                    foreach (var kv in o.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    {
                        if (!first) sb.Append(',');
                        first = false;
                        sb.Append(JsonSerializer.Serialize(kv.Key)).Append(':');
                        Write(kv.Value, sb);
                    }
                    sb.Append('}');
                    break;
                case JsonArray a:
                    sb.Append('[');
                    for (int i = 0; i < a.Count; i++) { if (i > 0) sb.Append(','); Write(a[i], sb); }
                    sb.Append(']');
                    break;
                default:
                    sb.Append(n is null ? "null" : n.ToJsonString());
                    break;
            }
        }
    }

    private static SeerException Missing(string path, string where, string missing) =>
        new(ErrorCodes.InvalidInput, $"{where}: reference ${{{path}}} cannot be resolved ('{missing}' does not exist)");
}
