using System.CommandLine;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Training.Engine;
using Seer.Training.Registry;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary><c>seer model list|show|delete|compare|eval</c>: the model registry under &lt;home&gt;/models.</summary>
public sealed class ModelCommands : ICommandFactory
{
    public Command Create()
    {
        var command = new Command("model", "Trained models: list, show, delete, compare, evaluate, export to ONNX");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Compare());
        command.Subcommands.Add(Eval());
        command.Subcommands.Add(ModelExportCommand.Create());
        command.Subcommands.Add(ModelBenchmarkCommand.Create());
        command.Subcommands.Add(ImportWeightsCommand.Create());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List models, newest first");
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            string home = GlobalOptions.ResolveHome(parse);
            SharedModels.Records(home);
            var models = new FileModelRegistry(home).List();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Output.Json(models.Select(Summary));
                return Task.FromResult(0);
            }
            var table = new Table().AddColumns("model", "task", "architecture", "train", "metric", "value", "status");
            foreach (var m in models)
                table.AddRow(m.Id, m.Task, m.Architecture, Markup.Escape(ShortRef(m.TrainDataset)), m.PrimaryMetric, $"{m.PrimaryValue:0.0000}", m.Status);
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("MODEL") { Description = "Model id (or unique prefix)" };
        var command = new Command("show", "Print a model's record (model.json)");
        command.Arguments.Add(id);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            string home = GlobalOptions.ResolveHome(parse);
            SharedModels.Records(home);
            var record = new FileModelRegistry(home).Get(parse.GetValue(id)!);
            Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(record, FileModelRegistry.Json));
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Delete()
    {
        var id = new Argument<string>("MODEL") { Description = "Model id (or unique prefix)" };
        var command = new Command("delete", "Delete a model (record, weights, checkpoints), e.g. an interrupted training; refused while it trains. With a cluster's SEER_DB: from the shared store too, so no machine lists it again");
        command.Arguments.Add(id);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            var record = SharedModels.Delete(GlobalOptions.ResolveHome(parse), parse.GetValue(id)!);
            if (parse.GetValue(GlobalOptions.Json)) Output.Json(new Dictionary<string, object> { ["deleted"] = record.Id, ["status"] = record.Status });
            else Console.WriteLine($"deleted model {record.Id} ({record.Status})");
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Compare()
    {
        var ids = new Argument<string[]>("MODELS") { Description = "Two or more model ids", Arity = new ArgumentArity(2, 100) };
        var command = new Command("compare", "Compare models' validation metrics and settings side by side");
        command.Arguments.Add(ids);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            string home = GlobalOptions.ResolveHome(parse);
            SharedModels.Records(home);
            var registry = new FileModelRegistry(home);
            var models = parse.GetValue(ids)!.Select(registry.Get).ToList();
            var keys = models.SelectMany(m => m.Metrics.Where(p => p.Value is double or float or int or System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number }).Select(p => p.Key))
                .Distinct().Order(StringComparer.Ordinal).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Output.Json(models.Select(Summary));
                return Task.FromResult(0);
            }
            var table = new Table().AddColumn("");
            foreach (var m in models) table.AddColumn(m.Id);
            table.AddRow(["architecture", .. models.Select(m => m.Architecture)]);
            table.AddRow(["train", .. models.Select(m => Markup.Escape(ShortRef(m.TrainDataset)))]);
            table.AddRow(["val", .. models.Select(m => Markup.Escape(ShortRef(m.ValDataset)))]);
            table.AddRow(["epochs", .. models.Select(m => $"{m.BestEpoch}/{m.Parameters.Epochs}")]);
            foreach (string k in keys)
                table.AddRow([k, .. models.Select(m => m.Metrics.TryGetValue(k, out var v) ? $"{Convert.ToDouble(v is System.Text.Json.JsonElement e ? e.GetDouble() : v, System.Globalization.CultureInfo.InvariantCulture):0.0000}" : "-")]);
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Eval()
    {
        var id = new Argument<string>("MODEL") { Description = "Model id (or unique prefix), or an .onnx file (FP32 or INT8, run in ONNX Runtime)" };
        var dataset = new Argument<string>("DATASET") { Description = "Dataset NAME[@VERSION] with ground truth" };
        var device = new Option<string?>("--device") { Description = "cpu or cuda:N (default: the model's training device)" };
        var command = new Command("eval", "Evaluate a model on a dataset version: the evaluation metric keys");
        command.Arguments.Add(id);
        command.Arguments.Add(dataset);
        command.Options.Add(device);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            using var workspace = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var snapshot = workspace.OpenSnapshot(DatasetRef.Parse(parse.GetValue(dataset)!));
            var registry = new FileModelRegistry(workspace.Home);
            string model = parse.GetValue(id)!;
            SharedModels.Model(workspace.Home, model);
            var metrics = await Task.Run(() =>
            {
                if (File.Exists(model) || model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                {
                    using var file = Seer.Inference.Models.ModelOpener.Open(model);
                    return Seer.Inference.Evaluation.OnnxEvaluation.Evaluate(file, snapshot, null, ct);
                }
                if (registry.Get(model).External is null) return ModelEvaluation.Evaluate(registry, model, snapshot, parse.GetValue(device), null, ct);
                // an external model (registered from another trainer) runs through its ONNX file and manifest
                using var onnx = Seer.Inference.Models.ModelOpener.Open(Seer.Training.Onnx.RegistryOnnxExport.ExportCached(registry, model));
                var m = Seer.Inference.Evaluation.OnnxEvaluation.Evaluate(onnx, snapshot, null, ct);
                m["model"] = registry.Get(model).Id;
                return m;
            }, ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.Json)) Output.Json(metrics);
            else
                foreach (var (k, v) in metrics.Where(p => p.Value is string or double or float or int or long))
                    Console.WriteLine(FormattableString.Invariant($"{k,-16} {(v is double d ? d.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) : v)}"));
            return 0;
        });
        return command;
    }

    /// <summary>NAME@VERSION with the version id cut to its first 10 characters (the table's width; JSON keeps it whole).</summary>
    private static string ShortRef(string dataset)
    {
        int at = dataset.LastIndexOf('@');
        return at >= 0 && dataset.Length - at - 1 > 10 ? dataset[..(at + 11)] : dataset;
    }

    private static Dictionary<string, object?> Summary(ModelRecord m) => new()
    {
        ["model"] = m.Id, ["status"] = m.Status, ["task"] = m.Task, ["architecture"] = m.Architecture,
        ["train"] = m.TrainDataset, ["val"] = m.ValDataset, ["primary_metric"] = m.PrimaryMetric, ["value"] = m.PrimaryValue,
        ["metrics"] = m.Metrics, ["parent"] = m.Parent, ["created_at"] = m.CreatedAt,
    };
}
