using System.CommandLine;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Operations;

namespace Seer.Cli.Commands.Dataset;

/// <summary><c>seer dataset merge|filter|sample|split|dedup|relabel</c>: each writes new immutable versions.</summary>
internal static class DatasetOperationCommands
{
    private static Option<string?> Target(string description) => new("--name") { Description = description };

    public static Command Merge()
    {
        var sources = new Argument<string[]>("datasets") { Description = "Two or more NAME[@VERSION]", Arity = ArgumentArity.OneOrMore };
        var name = Target("Output dataset (default: the first source's)");
        var strategy = new Option<string>("--on-conflict")
        {
            Description = "Same image labelled differently: fail (default, lists them), first, last, union",
            DefaultValueFactory = _ => "fail",
        };
        var command = new Command("merge", "Merge versions into a new version (an image present twice is kept once)");
        command.Arguments.Add(sources);
        command.Options.Add(name);
        command.Options.Add(strategy);
        CommandRunner.SetAction(command, (parse, ct) => Run(parse, ops => ops.Merge(
            parse.GetValue(sources)!.Select(DatasetRef.Parse).ToList(), parse.GetValue(name),
            CliParsing.Enum<MergeConflictStrategy>(parse.GetValue(strategy)!, "--on-conflict"))));
        return command;
    }

    public static Command Filter()
    {
        var source = Source();
        var labels = new Option<string[]>("--labels") { Description = "Keep images with any of these labels (comma-separated or repeated), and only their objects" };
        var state = new Option<string>("--state") { Description = "any (default), labelled or unlabelled", DefaultValueFactory = _ => "any" };
        var exclude = new Option<string[]>("--exclude") { Description = "Drop images that are in this NAME[@VERSION] (repeatable)" };
        var name = Target("Output dataset (default: the source's)");
        var command = new Command("filter", "Filter a version by labels, labelled state, or another version's images");
        command.Arguments.Add(source);
        command.Options.Add(labels);
        command.Options.Add(state);
        command.Options.Add(exclude);
        command.Options.Add(name);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            var wanted = CliParsing.List(parse.GetValue(labels));
            var excluded = CliParsing.List(parse.GetValue(exclude)).Select(DatasetRef.Parse).ToList();
            var st = CliParsing.Enum<LabelledState>(parse.GetValue(state)!, "--state");
            if (wanted.Count == 0 && excluded.Count == 0 && st == LabelledState.Any)
                throw new SeerException(ErrorCodes.InvalidOptions, "filter needs --labels, --state or --exclude");
            return Run(parse, ops => ops.Filter(DatasetRef.Parse(parse.GetValue(source)!), wanted.Count > 0 ? wanted : null, st, excluded, parse.GetValue(name)));
        });
        return command;
    }

    public static Command Sample()
    {
        var source = Source();
        var count = new Option<int?>("--count") { Description = "Number of images" };
        var fraction = new Option<double?>("--fraction") { Description = "Share of images, 0..1" };
        var stratified = new Option<bool>("--stratified") { Description = "Keep each class's share (stratum: an image's rarest label)" };
        var seed = new Option<int>("--seed") { Description = "Random seed (default 0)", DefaultValueFactory = _ => 0 };
        var name = Target("Output dataset (default: the source's)");
        var command = new Command("sample", "A seeded random or stratified sample of a version");
        command.Arguments.Add(source);
        foreach (var o in new Option[] { count, fraction, stratified, seed, name }) command.Options.Add(o);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            if (parse.GetValue(count) is null == parse.GetValue(fraction) is null)
                throw new SeerException(ErrorCodes.InvalidOptions, "sample needs exactly one of --count or --fraction");
            return Run(parse, ops => ops.Sample(DatasetRef.Parse(parse.GetValue(source)!), parse.GetValue(count), parse.GetValue(fraction),
                parse.GetValue(stratified), parse.GetValue(seed), parse.GetValue(name)));
        });
        return command;
    }

    public static Command Split()
    {
        var source = Source();
        var ratios = new Option<string>("--ratios") { Description = "TRAIN,VAL,TEST (default 0.8,0.1,0.1)", DefaultValueFactory = _ => "0.8,0.1,0.1" };
        var seed = new Option<int>("--seed") { Description = "Random seed (default 0)", DefaultValueFactory = _ => 0 };
        var name = Target("Prefix of the output datasets PREFIX-train, PREFIX-val, PREFIX-test (default: the source's name)");
        var command = new Command("split", "Stratified, seeded train/val/test split: one new version per part");
        command.Arguments.Add(source);
        command.Options.Add(ratios);
        command.Options.Add(seed);
        command.Options.Add(name);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var result = new DatasetOperations(ws).Split(DatasetRef.Parse(parse.GetValue(source)!),
                CliParsing.Ratios(parse.GetValue(ratios)!), parse.GetValue(seed), parse.GetValue(name));
            if (parse.GetValue(GlobalOptions.Json))
            {
                var parts = new Dictionary<string, object>();
                foreach (var c in result.Versions)
                    parts[c.Version.Dataset[(c.Version.Dataset.LastIndexOf('-') + 1)..]] = DatasetOutput.Version(c.Version, c.Created);
                Output.Json(new Dictionary<string, object> { ["parts"] = parts });
            }
            else DatasetOutput.PrintOperation(result, json: false);
            return Task.FromResult(0);
        });
        return command;
    }

    public static Command Dedup()
    {
        var source = Source();
        var near = new Option<bool>("--near") { Description = "Near duplicates by perceptual hash (default: exact, by content hash)" };
        var threshold = new Option<int>("--threshold") { Description = "Hamming distance in bits for --near (default 6 of 64)", DefaultValueFactory = _ => 6 };
        var name = Target("Output dataset (default: the source's)");
        var command = new Command("dedup", "Remove exact duplicates (same bytes) or near duplicates (perceptual hash)");
        command.Arguments.Add(source);
        command.Options.Add(near);
        command.Options.Add(threshold);
        command.Options.Add(name);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            var reference = DatasetRef.Parse(parse.GetValue(source)!);
            return parse.GetValue(near)
                ? Run(parse, ops => ops.DedupNear(reference, parse.GetValue(threshold), parse.GetValue(name), ct))
                : Run(parse, ops => ops.DedupExact(reference, parse.GetValue(name)));
        });
        return command;
    }

    public static Command Relabel()
    {
        var source = Source();
        var map = new Option<string[]>("--map") { Description = "OLD=NEW (repeatable); also recorded as an alias in the label space", Required = true };
        var name = Target("Output dataset (default: the source's)");
        var command = new Command("relabel", "Rename labels through aliases in a new version");
        command.Arguments.Add(source);
        command.Options.Add(map);
        command.Options.Add(name);
        CommandRunner.SetAction(command, (parse, ct) => Run(parse, ops => ops.Relabel(DatasetRef.Parse(parse.GetValue(source)!),
            CliParsing.Map(parse.GetValue(map), "--map"), parse.GetValue(name))));
        return command;
    }

    private static Argument<string> Source() => new("dataset") { Description = "NAME or NAME@VERSION" };

    private static Task<int> Run(ParseResult parse, Func<DatasetOperations, OperationResult> operation)
    {
        using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
        var result = operation(new DatasetOperations(ws));
        DatasetOutput.PrintOperation(result, parse.GetValue(GlobalOptions.Json));
        return Task.FromResult(0);
    }
}
