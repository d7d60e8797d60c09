using System.Text.Json;
using OpenCvSharp;
using CvScalar = OpenCvSharp.Scalar;
using Seer.Core.Datasets;
using Seer.Core.Inference;
using Seer.Data;
using Seer.Training.Onnx;

namespace Seer.Cli.Tests;

/// <summary>`seer cluster` and `seer eval clusters` end to end: the real CLI on a real workspace with a real ONNX embed model.</summary>
public sealed class ClusterCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "seer-cluster-cli", Guid.NewGuid().ToString("N"));

    public ClusterCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private (int Exit, string Out, string Err) Seer(params string[] args) => CliProcess.Run(Path.Combine(_dir, "home"), args);

    /// <summary>Three identities of colour squares (three shades each) and one grey square of its own; tags are the identities.</summary>
    private static async Task AddPeopleAsync(string home)
    {
        using (var workspace = Workspace.Open(home))
        {
            var images = new List<ImageRecord>();
            (string Tag, CvScalar Colour)[] shades =
            [
                ("red", new CvScalar(0, 0, 250)), ("red", new CvScalar(10, 5, 235)), ("red", new CvScalar(0, 12, 220)),
                ("green", new CvScalar(0, 250, 0)), ("green", new CvScalar(8, 230, 10)), ("green", new CvScalar(0, 210, 6)),
                ("blue", new CvScalar(250, 0, 0)), ("blue", new CvScalar(235, 10, 4)), ("blue", new CvScalar(215, 0, 12)),
                ("grey", new CvScalar(128, 128, 128)),
            ];
            for (int i = 0; i < shades.Length; i++)
            {
                using var mat = new Mat(40 + i, 40, MatType.CV_8UC3, shades[i].Colour);
                var put = await workspace.Blobs.PutAsync(new MemoryStream(mat.ImEncode(".png")), CancellationToken.None);
                images.Add(new ImageRecord(put.Sha256, $"{shades[i].Tag}-{i}.png", 40, 40 + i) { IsLabelled = true, Tags = [shades[i].Tag] });
            }
            workspace.CommitVersion("people", images, [], "import", null, ["red", "green", "blue", "grey"]);
        }
    }

    [Fact]
    public async Task TrainEmbed_EvaluatesWithRetrievalAndVerificationKeys_AndClustersWithTheRegistryModel()
    {
        string home = Path.Combine(_dir, "home");
        await AddPeopleAsync(home);
        var train = Seer("train", "--task", "embed", "--train", "people", "--val", "people", "--epochs", "2", "--batch", "8", "--size", "16",
            "--loss", "cosface", "--dim", "16", "--json");
        Assert.True(train.Exit == 0, train.Err);
        var trained = JsonDocument.Parse(train.Out).RootElement;
        Assert.Equal("embed", trained.GetProperty("task").GetString());
        string id = trained.GetProperty("model").GetString()!;

        var eval = Seer("model", "eval", id, "people", "--json");
        Assert.True(eval.Exit == 0, eval.Err);
        var m = JsonDocument.Parse(eval.Out).RootElement;
        foreach (string key in new[] { "recall_at_1", "recall_at_5", "map_at_r", "eer" })
            Assert.InRange(m.GetProperty(key).GetDouble(), 0, 1);
        foreach (string far in new[] { "1e-2", "1e-3", "1e-4" })
        {
            Assert.InRange(m.GetProperty("tar_at_far").GetProperty(far).GetDouble(), 0, 1);
            Assert.InRange(m.GetProperty("threshold_at_far").GetProperty(far).GetDouble(), -1.01, 1.01);
        }
        Assert.Equal(9, m.GetProperty("queries").GetInt32());

        // seer predict reads the export's embedding output: one unit vector per image.
        string image = Path.Combine(_dir, "probe.png");
        using (var mat = new Mat(30, 30, MatType.CV_8UC3, new CvScalar(0, 0, 240))) Cv2.ImWrite(image, mat);
        var predict = Seer("predict", id, image, "--json");
        Assert.True(predict.Exit == 0, predict.Err);
        var vector = JsonDocument.Parse(predict.Out).RootElement[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(16, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => v * v)), 3);

        var cluster = Seer("cluster", "people", "--model", id, "--threshold", "0.9", "--name", "by-model", "--json");
        Assert.True(cluster.Exit == 0, cluster.Err);
        Assert.Equal(10, JsonDocument.Parse(cluster.Out).RootElement.GetProperty("images").GetInt32());
        var badLoss = Seer("train", "--task", "embed", "--train", "people", "--val", "people", "--loss", "hinge");
        Assert.Equal(2, badLoss.Exit);
        Assert.Contains("--loss", badLoss.Err);
    }

    [Fact]
    public async Task Cluster_TagsImagesByFeature_AndEvalClustersScoresItAgainstTheTruth()
    {
        string home = Path.Combine(_dir, "home");
        await AddPeopleAsync(home);
        var g = new OnnxGraphBuilder("meancolour");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, 32, 32]);
        g.AddOutput(g.Reshape(g.GlobalAveragePool(x), -1, 3), "feature", OnnxElementType.Float, [null, 3]);
        string model = Path.Combine(_dir, "meancolour.onnx");
        OnnxModelWriter.Write(g, model, new InferenceSpec { Task = "embed", InputWidth = 32, InputHeight = 32, OutputLayout = OutputLayout.Embedding }.ToProperties());

        var cluster = Seer("cluster", "people", "--model", model, "--threshold", "0.99", "--name", "people-clusters", "--json");
        Assert.True(cluster.Exit == 0, cluster.Err);
        var report = JsonDocument.Parse(cluster.Out).RootElement;
        Assert.Equal(3, report.GetProperty("clusters").GetInt32());
        Assert.Equal(1, report.GetProperty("singletons").GetInt32());
        Assert.Equal("chinese-whispers", report.GetProperty("method").GetString());
        var sizes = report.GetProperty("cluster_sizes").EnumerateArray().ToList();
        Assert.Equal(["cluster-0001", "cluster-0002", "cluster-0003"], sizes.Select(s => s.GetProperty("cluster").GetString()));
        Assert.All(sizes, s => Assert.Equal(3, s.GetProperty("size").GetInt32()));
        Assert.All(sizes, s => Assert.InRange(s.GetProperty("cohesion").GetDouble(), 0.99, 1.0));
        using (var workspace = Workspace.Open(home))
        {
            var clustered = workspace.OpenSnapshot(DatasetRef.Parse("people-clusters"));
            Assert.Equal(10, clustered.Images.Count);
            var grey = clustered.Images.Single(i => i.FileName == "grey-9.png");
            Assert.False(grey.IsLabelled);
            Assert.Empty(grey.Tags);
            var reds = clustered.Images.Where(i => i.FileName.StartsWith("red", StringComparison.Ordinal)).Select(i => i.Tags.Single()).Distinct();
            Assert.Single(reds);
        }

        var eval = Seer("eval", "clusters", "--gt", "people", "--pred", "people-clusters", "--json");
        Assert.True(eval.Exit == 0, eval.Err);
        var m = JsonDocument.Parse(eval.Out).RootElement;
        foreach (string key in new[] { "pairwise_precision", "pairwise_recall", "pairwise_f", "bcubed_precision", "bcubed_recall", "bcubed_f" })
            Assert.Equal(1.0, m.GetProperty(key).GetDouble(), 9);
        Assert.Equal((3, 1), (m.GetProperty("clusters").GetInt32(), m.GetProperty("singletons").GetInt32()));

        // A loose threshold joins every colour through the grey square (connected components): recall stays 1, precision falls.
        var loose = Seer("cluster", "people", "--model", model, "--threshold", "0.5", "--method", "components", "--name", "loose", "--json");
        Assert.True(loose.Exit == 0, loose.Err);
        var looseEval = JsonDocument.Parse(Seer("eval", "clusters", "--gt", "people", "--pred", "loose", "--json").Out).RootElement;
        Assert.Equal(1.0, looseEval.GetProperty("pairwise_recall").GetDouble(), 9);
        Assert.True(looseEval.GetProperty("pairwise_precision").GetDouble() < 0.5);

        // --method infomap: the same three colours and the grey singleton, the method recorded
        var infomap = Seer("cluster", "people", "--model", model, "--threshold", "0.99", "--method", "infomap", "--name", "infomap", "--json");
        Assert.True(infomap.Exit == 0, infomap.Err);
        var infomapReport = JsonDocument.Parse(infomap.Out).RootElement;
        Assert.Equal("infomap", infomapReport.GetProperty("method").GetString());
        Assert.Equal((3, 1), (infomapReport.GetProperty("clusters").GetInt32(), infomapReport.GetProperty("singletons").GetInt32()));

        // --rerank: the k-NN graph re-ranked by k-reciprocal neighbourhoods, recorded in the report and the version
        var reranked = Seer("cluster", "people", "--model", model, "--threshold", "0.5", "--rerank", "--rerank-k1", "3", "--name", "reranked", "--json");
        Assert.True(reranked.Exit == 0, reranked.Err);
        Assert.True(JsonDocument.Parse(reranked.Out).RootElement.GetProperty("rerank").GetBoolean());
        using (var workspace = Workspace.Open(home))
        {
            var info = workspace.Resolve(DatasetRef.Parse("reranked"));
            Assert.Contains("rerank", info.ParametersJson, StringComparison.Ordinal);
        }
        // the flow step takes the same options (the one Clusterer behind both)
        string flow = Path.Combine(_dir, "cluster.yaml");
        File.WriteAllText(flow, $$"""
            name: cluster-people
            steps:
              - id: group
                op: cluster
                with: {model: "{{model}}", dataset: people, threshold: 0.5, rerank: true, rerank_k1: 3, name: flow-reranked}
            """);
        var flowRun = Seer("flow", "run", flow, "--json");
        Assert.True(flowRun.Exit == 0, flowRun.Err);
        using (var workspace = Workspace.Open(home))
        {
            string parameters = workspace.Resolve(DatasetRef.Parse("flow-reranked")).ParametersJson!;
            Assert.Contains("rerank", parameters, StringComparison.Ordinal);
            Assert.Equal(workspace.Resolve(DatasetRef.Parse("reranked")).ParametersJson, parameters);
        }
        File.WriteAllText(flow, File.ReadAllText(flow).Replace("rerank: true", "rerank: \"yes\"", StringComparison.Ordinal));
        var badFlow = Seer("flow", "run", flow);
        Assert.NotEqual(0, badFlow.Exit);
        Assert.True((badFlow.Out + badFlow.Err).Contains("input 'rerank' must be true or false", StringComparison.Ordinal), badFlow.Out + badFlow.Err);

        var badRerank = Seer("cluster", "people", "--model", model, "--rerank", "--rerank-k1", "0");
        Assert.Equal(2, badRerank.Exit);
        Assert.Contains("--rerank-k1", badRerank.Err);

        var notEmbed = Seer("cluster", "people", "--model", Path.Combine(_dir, "missing.onnx"));
        Assert.NotEqual(0, notEmbed.Exit);
        var badThreshold = Seer("cluster", "people", "--model", model, "--threshold", "2");
        Assert.Equal(2, badThreshold.Exit);
        Assert.Contains("--threshold", badThreshold.Err);
    }
}
