using System.Text.Json;

namespace Seer.Cli.Tests;

/// <summary><c>seer model import-weights</c> on the fetched ImageNet ResNet-18 (scripts/fetch-data.sh pretrained).</summary>
public sealed class ImportWeightsCliTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "seer-import-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void ImportWeights_StoresTheBackbone_AndAWrongArchitectureIsRefusedNamingTheLayer()
    {
        string onnx = Path.Combine(CliProcess.RepoRoot, ".data", "pretrained", "ResNet18.onnx");
        var ok = CliProcess.Run(_home, "model", "import-weights", onnx, "--arch", "fcos-resnet18", "--name", "inet", "--json");
        Assert.True(ok.Code == 0, ok.Stderr);
        using var doc = JsonDocument.Parse(ok.Stdout);
        Assert.Equal(22, doc.RootElement.GetProperty("convs").GetInt32());
        Assert.Equal(22, doc.RootElement.GetProperty("batch_norms").GetInt32());
        Assert.True(File.Exists(Path.Combine(_home, "pretrained", "inet.weights")));

        var bad = CliProcess.Run(_home, "model", "import-weights", onnx, "--arch", "fcos-lite", "--name", "x");
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("Seer layer 'stem'", bad.Stderr);
        Assert.False(File.Exists(Path.Combine(_home, "pretrained", "x.weights")));
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, true); } catch (IOException) { }
    }
}
