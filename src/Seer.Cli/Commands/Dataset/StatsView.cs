using System.Globalization;
using Seer.Data.Stats;
using Seer.Data.Versions;
using Spectre.Console;

namespace Seer.Cli.Commands.Dataset;

/// <summary>Renders <see cref="DatasetStats"/> for people: counts, a bar chart per class, distributions, warnings.</summary>
internal static class StatsView
{
    public static void Print(DatasetStats s)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(s.Dataset)}@{VersionIds.Short(s.Version)}[/]: {s.Images:N0} images, " +
                               $"{s.Labelled:N0} labelled, {s.Unlabelled:N0} unlabelled, {s.Instances:N0} instances, {s.Classes.Count} classes");
        if (s.InstancesPerClass.Count > 0)
        {
            var chart = new BarChart().Label("[bold]instances per class[/] (images)").Width(Math.Min(100, Math.Max(40, AnsiConsole.Profile.Width - 2)));
            int i = 0;
            Color[] colors = [Color.SteelBlue, Color.Green, Color.Orange1, Color.MediumPurple, Color.Teal, Color.Gold1];
            foreach (var (label, n) in s.InstancesPerClass.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
                chart.AddItem($"{Markup.Escape(label)} ({s.ImagesPerClass.GetValueOrDefault(label):N0})", n, colors[i++ % colors.Length]);
            AnsiConsole.Write(chart);
        }
        var table = new Table().AddColumns("", "min", "p25", "median", "p75", "max", "mean");
        Row(table, "boxes per labelled image", s.BoxesPerImage);
        Row(table, "box width (px)", s.BoxWidth);
        Row(table, "box height (px)", s.BoxHeight);
        Row(table, "box area / image area", s.BoxRelativeArea);
        Row(table, "image width (px)", s.ImageWidth);
        Row(table, "image height (px)", s.ImageHeight);
        AnsiConsole.Write(table);
        Console.WriteLine("boxes by area: " + string.Join(", ", s.BoxAreaRanges.Select(kv => $"{kv.Key} {kv.Value:N0}")) +
                          "   (COCO ranges: small < 32², medium < 96²)");
        Console.WriteLine("boxes per image: " + string.Join(", ", s.BoxesPerImageHistogram.Select(kv => $"{kv.Key}: {kv.Value:N0}")));
        Console.WriteLine("common image sizes: " + string.Join(", ", s.ImageSizes.Select(kv => $"{kv.Key} ({kv.Value:N0})")));
        Console.WriteLine("imbalance ratio: " + s.ImbalanceRatio.ToString("0.##", CultureInfo.InvariantCulture) + "x");
        foreach (var w in s.Warnings) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
    }

    private static void Row(Table table, string name, Distribution d)
    {
        if (d.Count == 0)
        {
            table.AddRow(name, "-", "-", "-", "-", "-", "-");
            return;
        }
        table.AddRow(name, F(d.Min), F(d.P25), F(d.Median), F(d.P75), F(d.Max), F(d.Mean));
    }

    private static string F(double v) => v.ToString(Math.Abs(v) >= 10 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
}
