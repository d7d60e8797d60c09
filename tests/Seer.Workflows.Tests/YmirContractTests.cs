using Seer.Core.Errors;
using Seer.Workflows.Executors;

namespace Seer.Workflows.Tests;

/// <summary>Reading an executor's outputs: result.yaml in the SDK's and ymir-info's shapes, refusals naming the file,
/// monitor.txt records.</summary>
public sealed class YmirContractTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "seer-ymir-" + Guid.NewGuid().ToString("N"));
    private readonly YmirContract contract;

    public YmirContractTests()
    {
        contract = new YmirContract(root, "t1");
        Directory.CreateDirectory(Path.Combine(contract.OutModelsDir, "epoch_2"));
        File.WriteAllText(Path.Combine(contract.OutModelsDir, "epoch_2", "model.onnx"), "x");
        File.WriteAllText(Path.Combine(contract.OutModelsDir, "shared.bin"), "x");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void ResultYaml_StagesAndBest_AreRead_WithFilesInTheStageFolderOrTheModelsFolder()
    {
        File.WriteAllText(contract.TrainingResultFile, """
            best_stage_name: epoch_2
            map: 0.8
            model_stages:
              epoch_1: {stage_name: epoch_1, files: [shared.bin], mAP: 0.5, timestamp: 100}
              epoch_2: {stage_name: epoch_2, files: [model.onnx], mAP: 0.8, timestamp: 200}
            """);
        var result = contract.ReadTrainingResult();
        Assert.Equal(2, result.Stages.Count);
        Assert.Equal("epoch_2", result.Best.Name);
        Assert.Equal(0.8, result.Best.MAP);
        Assert.Equal(Path.Combine(contract.OutModelsDir, "epoch_2", "model.onnx"), Assert.Single(result.Best.Files));
        Assert.Equal(Path.Combine(contract.OutModelsDir, "shared.bin"), Assert.Single(result.Stages[0].Files));

        // ymir-info.yaml's key, a single stage without best_stage_name
        File.WriteAllText(contract.TrainingResultFile, "stages:\n  best: {files: [shared.bin], mAP: 0.83, timestamp: 1}\n");
        Assert.Equal("best", contract.ReadTrainingResult().BestStage);
    }

    [Theory]
    [InlineData("model_stages:\n  a: {files: [shared.bin], timestamp: 1}\n", "stage 'a' has no numeric mAP")]
    [InlineData("best_stage_name: b\nmodel_stages:\n  a: {files: [shared.bin], mAP: 0.1}\n", "best_stage_name 'b' is not one of the stages")]
    [InlineData("model_stages:\n  a: {files: [missing.pt], mAP: 0.1}\n", "lists 'missing.pt', which is neither")]
    [InlineData("model_stages:\n  a: {files: [../../etc/passwd], mAP: 0.1}\n", "must be a name inside models/")]
    [InlineData("model_stages: {a: [1, 2}\n", "invalid YAML")]
    public void BadResultYaml_IsRefused_NamingTheFile(string yaml, string reason)
    {
        File.WriteAllText(contract.TrainingResultFile, yaml);
        var e = Assert.Throws<SeerException>(() => contract.ReadTrainingResult());
        Assert.Equal(ErrorCodes.InvalidInput, e.Code);
        Assert.Contains(reason, e.Message);
        Assert.Equal(contract.TrainingResultFile, e.Path);
    }

    [Fact]
    public void MissingResultYaml_IsRefused()
    {
        var e = Assert.Throws<SeerException>(() => contract.ReadTrainingResult());
        Assert.Contains("without writing models/result.yaml", e.Message);
    }

    [Fact]
    public void Monitor_RecordsAreParsed_AndHalfWrittenOnesIgnored()
    {
        var m = YmirContract.ParseMonitor("t1\t1622552974000\t0.5\trunning\n")!;
        Assert.Equal(("t1", 1622552974000L, 0.5, "running"), (m.TaskId, m.Timestamp, m.Percent, m.State));
        var e = YmirContract.ParseMonitor("t1 1622552974000 1 error\nno training data found\n")!;
        Assert.Equal("error", e.State);
        Assert.Equal("no training data found", e.Message);
        Assert.Null(YmirContract.ParseMonitor("t1\t16225"));
        Assert.Null(YmirContract.ParseMonitor(""));
        Assert.Equal(1.0, YmirContract.ParseMonitor("t1 1 7 done")!.Percent);   // clamped to 0..1
    }
}
