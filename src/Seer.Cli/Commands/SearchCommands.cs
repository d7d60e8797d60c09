using System.CommandLine;
using Seer.Core.Errors;
using Seer.Search;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer search</c>: feature groups (create, list, delete), add and remove items from vector files, 1:N and k:N
/// queries, and 1:1 compare with threshold calibration. All logic lives in Seer.Search.
/// </summary>
public sealed class SearchCommands : ICommandFactory
{
    public Command Create()
    {
        var search = new Command("search", "Feature groups: exact and HNSW vector search, 1:1 compare");
        search.Subcommands.Add(GroupCommand());
        search.Subcommands.Add(AddCommand());
        search.Subcommands.Add(RemoveCommand());
        search.Subcommands.Add(QueryCommand());
        search.Subcommands.Add(CompareCommand());
        search.Subcommands.Add(SearchIndexCommand.Create());
        return search;
    }

    private static Command GroupCommand()
    {
        var group = new Command("group", "Create, list and delete feature groups");
        var name = new Argument<string>("NAME") { Description = "Group name (letters, digits, '.', '_', '-')" };
        var dim = new Option<int>("--dim") { Description = "Vector dimension", Required = true };
        var metric = new Option<string>("--metric") { Description = "ip, cosine or l2", Required = true };
        var index = new Option<string>("--index") { Description = "exact (default) or hnsw", DefaultValueFactory = _ => "exact" };
        var m = new Option<int>("--m") { Description = "HNSW links per node (default 16)", DefaultValueFactory = _ => 16 };
        var efc = new Option<int>("--ef-construction") { Description = "HNSW candidates while inserting (default 200)", DefaultValueFactory = _ => 200 };
        var efs = new Option<int>("--ef-search") { Description = "HNSW candidates while searching (default 64)", DefaultValueFactory = _ => 64 };
        var quantize = new Option<string>("--quantize") { Description = "none (default) or int8: scan an int8 copy, re-rank in float32", DefaultValueFactory = _ => "none" };
        var create = new Command("create", "Create an empty feature group");
        create.Arguments.Add(name);
        foreach (var o in new Option[] { dim, metric, index, m, efc, efs, quantize }) create.Options.Add(o);
        CommandRunner.SetAction(create, (parse, ct) =>
        {
            var options = new FeatureGroupOptions
            {
                Dimension = parse.GetValue(dim),
                Metric = FeatureGroupOptions.ParseMetric(parse.GetValue(metric)!),
                Index = FeatureGroupOptions.ParseIndex(parse.GetValue(index)!),
                M = parse.GetValue(m),
                EfConstruction = parse.GetValue(efc),
                EfSearch = parse.GetValue(efs),
                Quantization = ParseQuantization(parse.GetValue(quantize)!),
            };
            using var created = Workspace(parse).Create(parse.GetValue(name)!, options);
            if (Json(parse)) Output.Json(Describe(created.Name, created.Options, created.Count));
            else Console.WriteLine($"created feature group '{created.Name}' ({options.Dimension}-d, {FeatureGroupOptions.MetricName(options.Metric)}, {options.Index.ToString().ToLowerInvariant()})");
            return Task.FromResult(0);
        });

        var list = new Command("list", "List feature groups with their settings and item counts");
        CommandRunner.SetAction(list, (parse, ct) =>
        {
            var groups = Workspace(parse).List();
            if (Json(parse))
            {
                Output.Json(groups.Select(g => Describe(g.Name, g.Options, g.Items)).ToList());
                return Task.FromResult(0);
            }
            var table = new Table().AddColumns("name", "dim", "metric", "index", "items");
            foreach (var g in groups)
                table.AddRow(g.Name, g.Options.Dimension.ToString(), FeatureGroupOptions.MetricName(g.Options.Metric),
                    g.Options.Index.ToString().ToLowerInvariant(), g.Items?.ToString() ?? "(in use)");
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });

        var deleteName = new Argument<string>("NAME") { Description = "Group to delete" };
        var delete = new Command("delete", "Delete a feature group and its files");
        delete.Arguments.Add(deleteName);
        CommandRunner.SetAction(delete, (parse, ct) =>
        {
            string n = parse.GetValue(deleteName)!;
            Workspace(parse).Delete(n);
            if (Json(parse)) Output.Json(new Dictionary<string, object> { ["deleted"] = n });
            else Console.WriteLine($"deleted feature group '{n}'");
            return Task.FromResult(0);
        });
        group.Subcommands.Add(create);
        group.Subcommands.Add(list);
        group.Subcommands.Add(delete);
        return group;
    }

    private static Command AddCommand()
    {
        var name = new Argument<string>("NAME") { Description = "Feature group" };
        var vectors = new Option<string>("--vectors") { Description = "Vectors (.fvecs or .npy float32)", Required = true };
        var ids = new Option<string?>("--ids") { Description = "Ids, one per line (default: row numbers 0..n-1)" };
        var upsert = new Option<bool>("--upsert") { Description = "Replace items whose id is already in the group" };
        var add = new Command("add", "Add vectors to a feature group");
        add.Arguments.Add(name);
        add.Options.Add(vectors);
        add.Options.Add(ids);
        add.Options.Add(upsert);
        CommandRunner.SetAction(add, (parse, ct) =>
        {
            using var group = Workspace(parse).Open(parse.GetValue(name)!);
            int added = group.AddFile(parse.GetValue(vectors)!, parse.GetValue(ids), parse.GetValue(upsert));
            if (Json(parse)) Output.Json(new Dictionary<string, object> { ["group"] = group.Name, ["added"] = added, ["items"] = group.Count });
            else Console.WriteLine($"added {added} vectors to '{group.Name}' ({group.Count} items)");
            return Task.FromResult(0);
        });
        return add;
    }

    private static Command RemoveCommand()
    {
        var name = new Argument<string>("NAME") { Description = "Feature group" };
        var ids = new Option<string>("--ids") { Description = "Ids to remove, one per line", Required = true };
        var remove = new Command("remove", "Remove items from a feature group by id");
        remove.Arguments.Add(name);
        remove.Options.Add(ids);
        CommandRunner.SetAction(remove, (parse, ct) =>
        {
            string file = parse.GetValue(ids)!;
            if (!File.Exists(file)) throw new SeerException(ErrorCodes.NotFound, $"id file {file} does not exist", file);
            var list = File.ReadLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            using var group = Workspace(parse).Open(parse.GetValue(name)!);
            int removed = group.Remove(list);
            if (Json(parse)) Output.Json(new Dictionary<string, object> { ["group"] = group.Name, ["removed"] = removed, ["items"] = group.Count });
            else Console.WriteLine($"removed {removed} items from '{group.Name}' ({group.Count} items)");
            return Task.FromResult(0);
        });
        return remove;
    }

    private static Command QueryCommand()
    {
        var name = new Argument<string>("NAME") { Description = "Feature group" };
        var vectors = new Option<string>("--vectors") { Description = "Query vectors (.fvecs or .npy float32)", Required = true };
        var k = new Option<int>("--k") { Description = "Results per query (default 10)", DefaultValueFactory = _ => 10 };
        var threshold = new Option<float?>("--threshold") { Description = "Keep hits with similarity >= T (ip, cosine) or distance <= T (l2)" };
        var ef = new Option<int?>("--ef-search") { Description = "HNSW candidates for this query run (default: the group's)" };
        var query = new Command("query", "Top-k search: one list of {id, score} per query vector");
        query.Arguments.Add(name);
        foreach (var o in new Option[] { vectors, k, threshold, ef }) query.Options.Add(o);
        CommandRunner.SetAction(query, (parse, ct) =>
        {
            string file = parse.GetValue(vectors)!;
            var matrix = VectorFiles.Read(file);
            using var group = Workspace(parse).Open(parse.GetValue(name)!);
            group.CheckDimension(matrix, file);
            if (parse.GetValue(ef) is { } e)
            {
                if (e < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--ef-search must be > 0 (was {e})");
                group.EfSearch = e;
            }
            var results = group.SearchBatch(matrix.Data, parse.GetValue(k), parse.GetValue(threshold), file);
            if (Json(parse))
            {
                Output.Json(results.Select(list => list.Select(h => new Dictionary<string, object> { ["id"] = h.Id, ["score"] = h.Score }).ToList()).ToList());
                return Task.FromResult(0);
            }
            for (int q = 0; q < results.Count; q++)
                Console.WriteLine($"query {q}: " + string.Join("  ", results[q].Select(h => $"{h.Id} ({h.Score:0.####})")));
            return Task.FromResult(0);
        });
        return query;
    }

    private static Command CompareCommand()
    {
        var a = new Option<string>("--a") { Description = "First vectors (.fvecs/.npy)", Required = true };
        var b = new Option<string>("--b") { Description = "Second vectors, same count: row i of --a is compared with row i of --b", Required = true };
        var metric = new Option<string>("--metric") { Description = "ip, cosine (default) or l2", DefaultValueFactory = _ => "cosine" };
        var labels = new Option<string?>("--labels") { Description = "Calibration labels, one per pair: 1 same identity, 0 different" };
        var far = new Option<double>("--far") { Description = "Target false-accept rate for the calibrated threshold (default 0.001)", DefaultValueFactory = _ => 0.001 };
        var compare = new Command("compare", "1:1 compare: a score per pair, and a threshold for a target FAR from labelled pairs");
        foreach (var o in new Option[] { a, b, metric, labels, far }) compare.Options.Add(o);
        CommandRunner.SetAction(compare, (parse, ct) =>
        {
            string fileA = parse.GetValue(a)!, fileB = parse.GetValue(b)!;
            var left = VectorFiles.Read(fileA);
            var right = VectorFiles.Read(fileB);
            if (left.Rows != right.Rows || left.Dimension != right.Dimension)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{fileA} holds {left.Rows} × {left.Dimension} but {fileB} holds {right.Rows} × {right.Dimension}; they must match", fileB);
            var m = FeatureGroupOptions.ParseMetric(parse.GetValue(metric)!);
            var scores = new float[left.Rows];
            for (int i = 0; i < scores.Length; i++) scores[i] = FeatureComparer.Score(left.Row(i), right.Row(i), m);
            var result = new Dictionary<string, object?> { ["metric"] = FeatureGroupOptions.MetricName(m), ["scores"] = scores };
            ThresholdCalibration? calibration = null;
            if (parse.GetValue(labels) is { } labelFile)
            {
                var genuine = ReadLabels(labelFile, scores.Length);
                calibration = FeatureComparer.Calibrate(scores, genuine, parse.GetValue(far), m);
                result["threshold"] = calibration.Threshold;
                result["target_far"] = calibration.TargetFalseAcceptRate;
                result["far"] = calibration.FalseAcceptRate;
                result["tar"] = calibration.TrueAcceptRate;
                result["genuine_pairs"] = calibration.GenuinePairs;
                result["impostor_pairs"] = calibration.ImpostorPairs;
            }
            if (Json(parse)) Output.Json(result);
            else
            {
                for (int i = 0; i < scores.Length; i++) Console.WriteLine($"pair {i}: {scores[i]:0.######}");
                if (calibration is not null)
                    Console.WriteLine($"threshold {calibration.Threshold:0.######} for FAR <= {calibration.TargetFalseAcceptRate}: " +
                                      $"FAR {calibration.FalseAcceptRate:0.####}, TAR {calibration.TrueAcceptRate:0.####} " +
                                      $"({calibration.GenuinePairs} genuine, {calibration.ImpostorPairs} impostor pairs)");
            }
            return Task.FromResult(0);
        });
        return compare;
    }

    private static bool[] ReadLabels(string file, int expected)
    {
        if (!File.Exists(file)) throw new SeerException(ErrorCodes.NotFound, $"label file {file} does not exist", file);
        var lines = File.ReadLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (lines.Count != expected)
            throw new SeerException(ErrorCodes.InvalidInput, $"label file {file} has {lines.Count} labels but there are {expected} pairs", file);
        return lines.Select((l, i) => l switch
        {
            "1" or "true" or "same" => true,
            "0" or "false" or "different" => false,
            _ => throw new SeerException(ErrorCodes.InvalidInput, $"label file {file}: line {i + 1} is '{l}', expected 1 or 0", file),
        }).ToArray();
    }

    private static VectorQuantization ParseQuantization(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" => VectorQuantization.None,
        "int8" => VectorQuantization.Int8,
        _ => throw new SeerException(ErrorCodes.InvalidOptions, $"--quantize '{text}' is not supported; use none or int8"),
    };

    private static Dictionary<string, object?> Describe(string name, FeatureGroupOptions o, int? items) => new()
    {
        ["name"] = name,
        ["dim"] = o.Dimension,
        ["metric"] = FeatureGroupOptions.MetricName(o.Metric),
        ["index"] = o.Index.ToString().ToLowerInvariant(),
        ["m"] = o.M,
        ["ef_construction"] = o.EfConstruction,
        ["ef_search"] = o.EfSearch,
        ["quantization"] = o.Quantization.ToString().ToLowerInvariant(),
        ["items"] = items,
    };

    private static SearchWorkspace Workspace(ParseResult parse) => new(GlobalOptions.ResolveHome(parse));

    private static bool Json(ParseResult parse) => parse.GetValue(GlobalOptions.Json);
}
