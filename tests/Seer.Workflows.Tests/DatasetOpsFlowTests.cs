using Seer.Data;
using Seer.Labeling;
using Seer.Tests.Shared;
using Seer.Workflows.Operations;
using Seer.Workflows.Runs;

namespace Seer.Workflows.Tests;

/// <summary>The synth, export and label-task operations in one flow over real data: 60 Fashion-MNIST items pasted onto
/// the three labelme VOC photos, the composite version exported as YOLO, and a labelling task over it.</summary>
public sealed class DatasetOpsFlowTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), "seer-flowops-" + Guid.NewGuid().ToString("N"));

    public DatasetOpsFlowTests() => Directory.CreateDirectory(home);

    public void Dispose() => Directory.Delete(home, recursive: true);

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Seer.sln"))) d = d.Parent;
        return d!.FullName;
    }

    [Fact]
    public async Task Synth_Export_AndLabelTask_RunAsFlowSteps_AndRecordTheirOutputs()
    {
        string items = FashionSubset.Write(home, 60);
        string photos = Path.Combine(RepoRoot(), ".data", "labelme", "bbox_detection", "data_dataset_voc", "JPEGImages");
        string output = Path.Combine(home, "exported");
        string file = Path.Combine(home, "ops.yaml");
        File.WriteAllText(file, $$"""
            name: ops
            steps:
              - id: items
                op: import
                with: {path: "{{items}}", format: idx, name: items}
              - id: synth
                op: synth
                with: {name: composite, backgrounds: "{{photos}}", items: "${steps.items.dataset}", classes: [Trouser, Bag], count: 6, width: 128, height: 128, min_size: 20, max_size: 40, seed: 3}
              - id: export
                op: export
                with: {dataset: "${steps.synth.dataset}", format: yolo, output: "{{output}}"}
              - id: task
                op: label-task
                with: {dataset: "${steps.synth.dataset}", assignees: [ann]}
            outputs: {composite: "${steps.synth.dataset}", objects: "${steps.synth.objects}", exported: "${steps.export.images}", task: "${steps.task.task}"}
            """);
        var result = await new FlowRunner(home, FlowOperations.Default()).RunAsync(file, new Dictionary<string, string>(), CancellationToken.None);
        Assert.Equal("succeeded", result.State);
        Assert.StartsWith("composite@", result.Outputs["composite"]!.GetValue<string>());
        int objects = result.Outputs["objects"]!.GetValue<int>();
        Assert.True(objects >= 6, $"6 composite images hold at least one object each (were {objects})");
        Assert.Equal(6, result.Outputs["exported"]!.GetValue<int>());
        // YOLO: one label file per image, one line per object
        var labels = Directory.GetFiles(Path.Combine(output, "labels"), "*.txt", SearchOption.AllDirectories);
        Assert.Equal(objects, labels.Sum(f => File.ReadAllLines(f).Count(l => l.Trim().Length > 0)));

        using var ws = Workspace.Open(home);
        var task = new LabelingStore(ws).List().Single();
        Assert.Equal(result.Outputs["task"]!.GetValue<long>(), task.Id);
        Assert.Equal(6, task.Images);
        Assert.Equal(["ann"], task.Assignees);
        using var store = new FlowRunStore(home);
        Assert.Equal("ops", store.ListRuns().Single().Name);
    }
}
