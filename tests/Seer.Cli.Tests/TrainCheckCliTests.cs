namespace Seer.Cli.Tests;

/// <summary><c>seer train</c> refuses a task that does not fit the data before anything is written (issue 19).</summary>
public sealed class TrainCheckCliTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "seer-cli-check-" + Guid.NewGuid().ToString("N"));

    private static string Voc => Path.Combine(CliProcess.RepoRoot, ".data", "labelme", "bbox_detection", "data_dataset_voc");

    [Fact]
    public async Task TrainClassifierOnADetectionDataset_ExitsNonZero_NamingTheDataset_AndWritesNoModel()
    {
        var import = await CliProcess.RunAsync(_home, TimeSpan.FromMinutes(2), "dataset", "import", Voc, "--format", "voc", "--name", "voc", "--json");
        Assert.True(import.Code == 0, import.Stderr);

        var train = await CliProcess.RunAsync(_home, TimeSpan.FromMinutes(2), "train", "--task", "classify", "--train", "voc", "--val", "voc", "--epochs", "1");
        Assert.NotEqual(0, train.Code);
        Assert.Contains("training set 'voc@", train.Stderr, StringComparison.Ordinal);
        Assert.Contains("cannot train a classifier", train.Stderr, StringComparison.Ordinal);
        Assert.Contains("train with task detect", train.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_home, "models")) && Directory.EnumerateFileSystemEntries(Path.Combine(_home, "models")).Any(),
            "a refused training leaves no model behind");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
