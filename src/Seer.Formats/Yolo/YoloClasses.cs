using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Sources;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Seer.Formats.Yolo;

/// <summary>YOLO's class list: <c>names</c> of data.yaml (a list or an id → name map), or classes.txt / obj.names.</summary>
internal static class YoloClasses
{
    private static readonly string[] YamlNames = ["data.yaml", "data.yml", "dataset.yaml", "dataset.yml"];
    private static readonly string[] TextNames = ["classes.txt", "obj.names", "classes.names"];

    /// <summary>The class names in id order, or null when the source has no class file.</summary>
    public static IReadOnlyList<string>? Find(IFileSource source)
    {
        var byDepth = source.Files.OrderBy(f => f.Count(c => c == '/')).ThenBy(f => f, StringComparer.Ordinal).ToList();
        string? yaml = byDepth.FirstOrDefault(f => YamlNames.Contains(SourcePath.FileName(f), StringComparer.OrdinalIgnoreCase));
        if (yaml is not null) return FromYaml(source, yaml);
        string? text = byDepth.FirstOrDefault(f => TextNames.Contains(SourcePath.FileName(f), StringComparer.OrdinalIgnoreCase));
        if (text is null) return null;
        using var reader = new StreamReader(source.Open(text));
        var lines = reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r').Trim()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Any(l => l.Length == 0))
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Display(text)}: empty line inside the class list", source.Display(text));
        return ClassLists.Check(lines, source.Display(text));
    }

    private static IReadOnlyList<string> FromYaml(IFileSource source, string path)
    {
        string display = source.Display(path);
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(source.Open(path));
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{display}: malformed YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", display, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet reports some unterminated flow collections this way, without a position.
            throw new SeerException(ErrorCodes.InvalidInput, $"{display}: malformed YAML: {e.Message}", display, e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new SeerException(ErrorCodes.InvalidInput, $"{display}: expected a mapping with a 'names' key", display);
        if (!root.Children.TryGetValue(new YamlScalarNode("names"), out var names))
            throw new SeerException(ErrorCodes.InvalidInput, $"{display}: no 'names' key (the class list)", display);
        switch (names)
        {
            case YamlSequenceNode list:
                ClassLists.Check(list.Children.Select(_ => "").ToList(), display);
                return list.Children.Select((n, i) => n is YamlScalarNode { Value: { Length: > 0 } v } ? v
                    : throw new SeerException(ErrorCodes.InvalidInput, $"{display}: names[{i}] is not a class name", display)).ToList();
            case YamlMappingNode map:
            {
                ClassLists.Check(map.Children.Select(_ => "").ToList(), display);
                var byId = new SortedDictionary<int, string>();
                foreach (var (k, v) in map.Children)
                {
                    if (k is not YamlScalarNode { Value: { } key } || !int.TryParse(key, out int id) || id < 0
                        || v is not YamlScalarNode { Value: { Length: > 0 } name })
                        throw new SeerException(ErrorCodes.InvalidInput, $"{display}: 'names' entries must be id: name (line {k.Start.Line})", display);
                    byId[id] = name;
                }
                var result = new List<string>();
                foreach (var (id, name) in byId)
                {
                    if (id != result.Count)
                        throw new SeerException(ErrorCodes.InvalidInput, $"{display}: class ids in 'names' skip {result.Count}", display);
                    result.Add(name);
                }
                return result;
            }
            default:
                throw new SeerException(ErrorCodes.InvalidInput, $"{display}: 'names' must be a list or an id: name map", display);
        }
    }
}
