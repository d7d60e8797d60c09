using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;

namespace Seer.ActiveLearning.Projects;

/// <summary>
/// Creates a project from dataset references (pinned at their current head unless NAME@VERSION is given), refusing a
/// training set without labels or classes and a pool without unlabelled images. Shared by <c>seer project create</c>
/// and <c>POST /api/projects</c>.
/// </summary>
public static class ProjectSetup
{
    public static readonly IReadOnlyList<string> Tasks = ["classify", "detect"];

    public static Project Create(Workspace workspace, ProjectStore store, string name, string task, string train, string val,
        string pool, string? test, string? owner)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(store);
        string t = (task ?? "").Trim().ToLowerInvariant();
        if (!Tasks.Contains(t))
            throw new SeerException(ErrorCodes.InvalidOptions, $"task must be classify or detect (was '{task}')");
        ProjectStore.ValidateName(name);
        var trainSet = workspace.OpenSnapshot(DatasetRef.Parse(Required(train, "train")));
        var valSet = workspace.OpenSnapshot(DatasetRef.Parse(Required(val, "val")));
        var poolSet = workspace.OpenSnapshot(DatasetRef.Parse(Required(pool, "pool")));
        var testSet = string.IsNullOrWhiteSpace(test) ? null : workspace.OpenSnapshot(DatasetRef.Parse(test));
        if (trainSet.Classes.Count == 0 || !trainSet.Images.Any(i => i.IsLabelled))
            throw new SeerException(ErrorCodes.InvalidInput, $"training set {trainSet} has no labelled image or declares no class; label it first", trainSet.ToString());
        if (!poolSet.Images.Any(i => !i.IsLabelled))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"pool {poolSet} has no unlabelled image (a flat folder of images imports unlabelled); mining only picks unlabelled images", poolSet.ToString());
        return store.Create(new Project
        {
            Id = 0, Name = name, Task = t, Owner = owner, Classes = trainSet.Classes,
            TrainVersion = trainSet.Version, ValVersion = valSet.Version, TestVersion = testSet?.Version, PoolVersion = poolSet.Version,
        });
    }

    private static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new SeerException(ErrorCodes.InvalidInput, $"project: '{field}' is required (a dataset NAME[@VERSION])", field)
            : value;
}
