using System.CommandLine;
using System.Globalization;
using Seer.Evaluation;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>`seer eval detection` and `seer eval classification`: print the evaluator's metrics.</summary>
public sealed class EvalCommands : ICommandFactory
{
    public Command Create()
    {
        var eval = new Command("eval", "Evaluate predictions against ground truth (COCO/VOC detection, classification)");
        eval.Subcommands.Add(Detection());
        eval.Subcommands.Add(Classification());
        eval.Subcommands.Add(ClusterEvalCommand.Create());
        return eval;
    }

    private static Command Detection()
    {
        var gt = new Option<string>("--gt") { Description = "COCO ground-truth JSON (images, categories, annotations)", Required = true };
        var pred = new Option<string>("--pred") { Description = "COCO results JSON: [{image_id, category_id, bbox [x,y,w,h], score}]", Required = true };
        var protocol = new Option<string>("--protocol") { Description = "coco (default), voc07 (11-point) or voc12 (all-point)", DefaultValueFactory = _ => "coco" };
        protocol.AcceptOnlyFromAmong("coco", "voc07", "voc12");
        var score = new Option<double?>("--score-threshold") { Description = "Also print TP/FP/FN and the confusion matrix for detections scoring at least this" };
        var iou = new Option<double>("--iou-threshold") { Description = "IoU for the TP/FP/FN counts and confusion matrix (default 0.5)", DefaultValueFactory = _ => 0.5 };
        var command = new Command("detection", "COCO (pycocotools-equal) or VOC detection metrics from COCO JSON files");
        command.Options.Add(gt);
        command.Options.Add(pred);
        command.Options.Add(protocol);
        command.Options.Add(score);
        command.Options.Add(iou);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            var options = new DetectionEvalOptions
            {
                Protocol = parse.GetValue(protocol) switch
                {
                    "voc07" => DetectionProtocol.Voc07,
                    "voc12" => DetectionProtocol.Voc12,
                    _ => DetectionProtocol.Coco,
                },
                ScoreThreshold = parse.GetValue(score),
                IouThreshold = parse.GetValue(iou),
            };
            var metrics = DetectionEvaluator.EvaluateCocoFiles(parse.GetValue(gt)!, parse.GetValue(pred)!, options);
            if (parse.GetValue(GlobalOptions.Json)) Output.Json(metrics.ToJson());
            else PrintDetection(metrics);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Classification()
    {
        var gt = new Option<string>("--gt") { Description = "Ground truth: {\"classes\": [...], \"items\": [{\"id\", \"label\"}]}", Required = true };
        var pred = new Option<string>("--pred") { Description = "Predictions: [{\"id\", \"scores\": [...]}] or [{\"id\", \"label\"}]", Required = true };
        var command = new Command("classification", "Top-1/top-5 accuracy, per-class precision/recall/F1, confusion matrix");
        command.Options.Add(gt);
        command.Options.Add(pred);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            var metrics = ClassificationEvaluator.EvaluateFiles(parse.GetValue(gt)!, parse.GetValue(pred)!);
            if (parse.GetValue(GlobalOptions.Json)) Output.Json(metrics.ToJson());
            else PrintClassification(metrics);
            return Task.FromResult(0);
        });
        return command;
    }

    private static string F(double v) => v < 0 ? "-" : v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static void PrintDetection(DetectionMetrics m)
    {
        var summary = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        if (m.Protocol == DetectionProtocol.Coco)
        {
            foreach (var (name, value) in new[]
                     {
                         ("AP @[.50:.95]", m.AP), ("AP50", m.AP50), ("AP75", m.AP75), ("AP small", m.APs), ("AP medium", m.APm),
                         ("AP large", m.APl), ("AR @1", m.AR1), ("AR @10", m.AR10), ("AR @100", m.AR100), ("AR small", m.ARs),
                         ("AR medium", m.ARm), ("AR large", m.ARl),
                     })
                summary.AddRow(Markup.Escape(name), F(value));
        }
        else
        {
            summary.AddRow($"mAP50 ({DetectionMetrics.ProtocolName(m.Protocol)})", F(m.AP));
        }

        summary.AddRow("AP weighted by instances", F(m.WeightedAP));
        AnsiConsole.Write(summary);

        bool coco = m.Protocol == DetectionProtocol.Coco;
        var perClass = new Table().AddColumn("class").AddColumn(new TableColumn("instances").RightAligned())
            .AddColumn(new TableColumn(coco ? "AP" : "AP50").RightAligned());
        if (coco) perClass.AddColumn(new TableColumn("AP50").RightAligned());
        foreach (var (name, ap) in m.PerClass)
        {
            string instances = m.InstanceCounts[name].ToString(CultureInfo.InvariantCulture);
            if (coco) perClass.AddRow(Markup.Escape(name), instances, F(ap), F(m.PerClassAP50[name]));
            else perClass.AddRow(Markup.Escape(name), instances, F(ap));
        }

        AnsiConsole.Write(perClass);

        if (m.Counts is { } counts)
        {
            var t = counts.Total;
            AnsiConsole.WriteLine($"score >= {counts.ScoreThreshold}, IoU >= {counts.IouThreshold}: TP {t.TruePositives}, FP {t.FalsePositives}, FN {t.FalseNegatives}, precision {F(t.Precision)}, recall {F(t.Recall)}");
        }

        if (m.ConfusionMatrix is { } cm)
        {
            var table = new Table().Title("confusion matrix (rows: truth, columns: predicted)").AddColumn("");
            foreach (var label in cm.Labels) table.AddColumn(new TableColumn(Markup.Escape(label)).RightAligned());
            for (int r = 0; r < cm.Labels.Count; r++)
                table.AddRow([Markup.Escape(cm.Labels[r]), .. cm.Counts[r].Select(c => c.ToString(CultureInfo.InvariantCulture))]);
            AnsiConsole.Write(table);
        }

        foreach (var w in m.Warnings) Console.Error.WriteLine($"warning: {w}");
    }

    private static void PrintClassification(ClassificationMetrics m)
    {
        AnsiConsole.WriteLine($"samples {m.SampleCount}  top1 {F(m.Top1)}  top5 {F(m.Top5)}  macro F1 {F(m.MacroF1)}  weighted F1 {F(m.WeightedF1)}");
        var table = new Table().AddColumn("class").AddColumn(new TableColumn("support").RightAligned())
            .AddColumn(new TableColumn("precision").RightAligned()).AddColumn(new TableColumn("recall").RightAligned())
            .AddColumn(new TableColumn("F1").RightAligned());
        foreach (var name in m.Classes)
        {
            var c = m.PerClass[name];
            table.AddRow(Markup.Escape(name), c.Support.ToString(CultureInfo.InvariantCulture), F(c.Precision), F(c.Recall), F(c.F1));
        }

        AnsiConsole.Write(table);
    }
}
