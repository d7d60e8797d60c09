using System.Text.Json.Nodes;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Formats.Handoff;
using Seer.Labeling;

namespace Seer.ActiveLearning.Iterations;

public sealed partial class IterationRunner
{
    /// <summary>
    /// label: with an oracle, the picked images take their labels from the oracle (a labelled copy of the pool, matched
    /// by content hash) into PROJECT-labels-rN; without one, the labels come from a labelling tool: the first time the
    /// picks are written as a task and the step waits; once PROJECT-labels-rN exists (seer label import), it is used.
    /// </summary>
    private (string State, JsonObject Result) Label(RoundState s)
    {
        var mined = OpenVersion(s.Get(IterationStep.Mine, "version"));
        string into = s.Project.LabelsDataset(s.Round);
        if (s.Settings.Oracle is { } oracleRef)
        {
            var oracle = _workspace.OpenSnapshot(DatasetRef.Parse(oracleRef));
            var labels = oracle.Images.Where(i => i.IsLabelled)
                .GroupBy(i => i.ContentHash, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var labelled = new List<ImageRecord>();
            int missing = 0;
            foreach (var image in mined.Images)
            {
                if (!labels.TryGetValue(image.ContentHash, out var truth)) { missing++; continue; }
                labelled.Add(image with { IsLabelled = true, Tags = truth.Tags, Objects = truth.Objects, Attributes = truth.Attributes });
            }
            if (labelled.Count == 0)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"the oracle {oracle} labels none of the {mined.Images.Count} images picked in round {s.Round} (matched by content hash); is it a labelled copy of the pool?", oracle.ToString());
            var commit = _workspace.CommitVersion(into, labelled, [mined.Version, oracle.Version], "oracle-label",
                new Dictionary<string, object?> { ["project"] = s.Project.Name, ["round"] = s.Round, ["oracle"] = oracle.ToString() }, s.Project.Classes);
            return (StepRecord.Done, new JsonObject
            {
                ["version"] = commit.Version.Version, ["labelled"] = labelled.Count, ["missing"] = missing, ["source"] = "oracle",
            });
        }

        if (_workspace.Metadata.FindHead(into) is { } imported)
        {
            var snapshot = OpenVersion(imported);
            var picked = mined.Images.Select(i => i.ContentHash).ToHashSet(StringComparer.Ordinal);
            int usable = snapshot.Images.Count(i => i.IsLabelled && picked.Contains(i.ContentHash));
            if (usable == 0)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"dataset '{into}' holds no labelled image of the {picked.Count} picked in round {s.Round}; label them and import again", into);
            return (StepRecord.Done, new JsonObject
            {
                ["version"] = imported, ["labelled"] = usable, ["missing"] = picked.Count - usable, ["source"] = s.Settings.Tool,
            });
        }

        if (s.Settings.Tool == "seer") return LabelInSeer(s, mined, into);
        string dir = Path.Combine(_workspace.Home, "projects", s.Project.Name, $"round-{s.Round}", $"{s.Settings.Tool}-task");
        if (!Directory.Exists(dir)) LabellingTasks.Exporter(s.Settings.Tool).Write(mined, dir);
        return (StepRecord.Waiting, new JsonObject
        {
            ["task_dir"] = dir, ["tool"] = s.Settings.Tool, ["import_into"] = into, ["images"] = mined.Images.Count,
        });
    }

    /// <summary>
    /// label with tool seer: the picks become a labelling task of Seer's own (made once per round, found again by its
    /// origin {"project", "round"}); the step waits until the task is committed into PROJECT-labels-rN, which the branch
    /// above then uses. The result carries the task's id and its accepted count for the project page.
    /// </summary>
    private (string State, JsonObject Result) LabelInSeer(RoundState s, DatasetSnapshot mined, string into)
    {
        var store = new LabelingStore(_workspace);
        var task = FindRoundTask(store, s.Project.Name, s.Round);
        if (task is null)
        {
            string owner = s.Project.Owner ?? Environment.UserName;
            task = store.Create(new TaskRequest(mined.Name, mined.Version, s.Project.Classes,
                s.Settings.Assignees.Count > 0 ? s.Settings.Assignees : [owner], s.Settings.Reviewer, Into: into,
                Kind: s.Project.Task == "classify" ? "classify" : "detect")
            {
                Origin = new JsonObject { ["project"] = s.Project.Name, ["round"] = s.Round },
            }, owner);
        }
        return (StepRecord.Waiting, new JsonObject
        {
            ["task"] = task.Id, ["tool"] = "seer", ["import_into"] = into, ["images"] = task.Images, ["accepted"] = task.Accepted,
        });
    }

    /// <summary>The labelling task made for a project's round, if any.</summary>
    public static LabelingTask? FindRoundTask(LabelingStore store, string project, int round)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.List().FirstOrDefault(t => t.Origin?["project"]?.GetValue<string>() == project && t.Origin?["round"]?.GetValue<int>() == round);
    }

    /// <summary>merge: the round's training version = the previous one plus the newly labelled images (PROJECT-train).</summary>
    private JsonObject Merge(RoundState s)
    {
        var train = OpenVersion(s.Get(IterationStep.Prepare, "train_version"));
        var labels = OpenVersion(s.Get(IterationStep.Label, "version"));
        var picked = _workspace.Metadata.ReadImages(s.Get(IterationStep.Mine, "version")).Select(i => i.ContentHash).ToHashSet(StringComparer.Ordinal);
        var have = train.Images.Select(i => i.ContentHash).ToHashSet(StringComparer.Ordinal);
        var names = train.Images.Select(i => i.FileName).ToHashSet(StringComparer.Ordinal);
        var images = train.Images.ToList();
        int added = 0;
        foreach (var image in labels.Images.Where(i => i.IsLabelled && picked.Contains(i.ContentHash)))
        {
            if (!have.Add(image.ContentHash)) continue;
            string name = names.Contains(image.FileName) ? $"r{s.Round}/{image.FileName}" : image.FileName;
            for (int k = 2; names.Contains(name); k++) name = $"r{s.Round}-{k}/{image.FileName}";
            names.Add(name);
            images.Add(image with { FileName = name });
            added++;
        }
        var commit = _workspace.CommitVersion(s.Project.TrainDataset, images, [train.Version, labels.Version], "merge",
            new Dictionary<string, object?> { ["project"] = s.Project.Name, ["round"] = s.Round }, s.Project.Classes);
        return new JsonObject
        {
            ["version"] = commit.Version.Version,
            ["added"] = added,
            ["images"] = images.Count,
            ["labelled"] = images.Count(i => i.IsLabelled),
        };
    }
}
