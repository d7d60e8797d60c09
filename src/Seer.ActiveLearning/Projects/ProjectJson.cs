using System.Text.Json.Nodes;
using Seer.Data;

namespace Seer.ActiveLearning.Projects;

/// <summary>
/// The JSON the CLI (and the server) print for projects: keys are the contract (<c>seer project show|history --json</c>,
/// <c>seer iterate --json</c>): history entries hold round, labelled, metrics, train_version, model, state, steps.
/// </summary>
public static class ProjectJson
{
    public static JsonObject Project(Project p, Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(workspace);
        return new JsonObject
        {
            ["name"] = p.Name,
            ["task"] = p.Task,
            ["owner"] = p.Owner,
            ["classes"] = new JsonArray(p.Classes.Select(c => (JsonNode?)c).ToArray()),
            ["train"] = Ref(workspace, p.TrainVersion),
            ["val"] = Ref(workspace, p.ValVersion),
            ["test"] = p.TestVersion is null ? null : Ref(workspace, p.TestVersion),
            ["pool"] = Ref(workspace, p.PoolVersion),
            ["created_at"] = p.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public static JsonArray History(IReadOnlyList<IterationRecord> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        var list = new JsonArray();
        IterationRecord? previous = null;
        foreach (var r in rounds)
        {
            var entry = new JsonObject
            {
                ["round"] = r.Round,
                ["state"] = r.State,
                ["labelled"] = r.Labelled,
                ["metrics"] = r.Metrics?.DeepClone() ?? new JsonObject(),
                ["train_version"] = r.TrainVersion,
                ["model"] = r.Model,
                ["strategy"] = r.Round == 0 ? null : r.Settings["strategy"]?.DeepClone(),
                ["topk"] = r.Round == 0 ? null : r.Settings["topk"]?.DeepClone(),
                ["mined"] = r.Step(IterationStep.Mine)?.Result?["picked"]?.DeepClone(),
                ["trend"] = Trend(previous, r),
                ["started_at"] = Time(r.StartedAt),
                ["finished_at"] = Time(r.FinishedAt),
                ["seconds"] = Seconds(r.StartedAt, r.FinishedAt),
                ["steps"] = new JsonArray(r.Steps.Select(s => (JsonNode?)new JsonObject
                {
                    ["step"] = s.Step,
                    ["state"] = s.State,
                    ["attempts"] = s.Attempts,
                    ["result"] = s.Result?.DeepClone(),
                    ["started_at"] = Time(s.StartedAt),
                    ["finished_at"] = Time(s.FinishedAt),
                    ["seconds"] = Seconds(s.StartedAt, s.FinishedAt),
                }).ToArray()),
            };
            list.Add(entry);
            if (r.State == IterationRecord.Done) previous = r;
        }
        return list;
    }

    /// <summary>The metric a task's rounds are compared by: AP for detection, top1 for classification.</summary>
    public static string PrimaryMetric(string task) => task == "detect" ? "AP" : "top1";

    /// <summary>The primary metric of a finished round, or null.</summary>
    public static double? PrimaryValue(Project project, IterationRecord round)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(round);
        return round.Metrics?[PrimaryMetric(project.Task)] is JsonValue v && v.TryGetValue(out double d) ? d : null;
    }

    private static string? Time(DateTimeOffset? at) => at?.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private static double? Seconds(DateTimeOffset start, DateTimeOffset? end) => end is { } e ? Math.Round((e - start).TotalSeconds, 1) : null;

    /// <summary>The change of every metric since the previous finished round (null for round 0 or unfinished rounds).</summary>
    private static JsonObject? Trend(IterationRecord? previous, IterationRecord current)
    {
        if (previous?.Metrics is null || current.Metrics is null) return null;
        var trend = new JsonObject();
        foreach (var (key, value) in current.Metrics)
            if (value is JsonValue v && v.TryGetValue(out double now) && previous.Metrics[key] is JsonValue p && p.TryGetValue(out double before))
                trend[key] = Math.Round(now - before, 6);
        return trend;
    }

    private static string Ref(Workspace workspace, string version)
    {
        var info = workspace.Metadata.GetVersion(version);
        return info is null ? version : $"{info.Dataset}@{Seer.Data.Versions.VersionIds.Short(info.Version)}";
    }
}
