using System.Diagnostics;
using System.Text.Json;
using OpenCvSharp;
using CvScalar = OpenCvSharp.Scalar;
using Seer.Core.Datasets;
using Seer.Core.Inference;
using Seer.Data;
using Seer.Search;
using Seer.Training.Onnx;

namespace Seer.Cli.Tests;

/// <summary>`seer search` end to end: the real CLI in a child process, on real files.</summary>
public class SearchCliTests
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "seer-search-cli", Guid.NewGuid().ToString("N"));

    public SearchCliTests() => Directory.CreateDirectory(_dir);

    private (int Exit, string Out, string Err) Seer(params string[] args)
    {
        return CliProcess.Run(Path.Combine(_dir, "home"), args);
    }

    [Fact]
    public void Search_CreateAddQueryCompare_AndClearErrors()
    {
        var rng = new Random(1);
        var gallery = new float[200 * 16];
        for (int i = 0; i < gallery.Length; i++) gallery[i] = (float)(rng.NextDouble() * 2 - 1);
        string galleryFile = Path.Combine(_dir, "gallery.npy"), probes = Path.Combine(_dir, "probes.fvecs");
        VectorFiles.Write(galleryFile, new VectorMatrix(200, 16, gallery));
        VectorFiles.Write(probes, new VectorMatrix(2, 16, [.. gallery.AsSpan(7 * 16, 16), .. gallery.AsSpan(150 * 16, 16)]));

        Assert.Equal(0, Seer("search", "group", "create", "g", "--dim", "16", "--metric", "cosine").Exit);
        var add = Seer("search", "add", "g", "--vectors", galleryFile, "--json");
        Assert.Equal(0, add.Exit);
        Assert.Equal(200, JsonDocument.Parse(add.Out).RootElement.GetProperty("items").GetInt32());
        var query = Seer("search", "query", "g", "--vectors", probes, "--k", "3", "--json");
        Assert.Equal(0, query.Exit);
        var lists = JsonDocument.Parse(query.Out).RootElement;
        Assert.Equal(2, lists.GetArrayLength());
        Assert.Equal("7", lists[0][0].GetProperty("id").GetString());
        Assert.Equal(1.0, lists[0][0].GetProperty("score").GetDouble(), 4);
        Assert.Equal("150", lists[1][0].GetProperty("id").GetString());
        Assert.Equal(3, lists[1].GetArrayLength());

        var list = Seer("search", "group", "list", "--json");
        Assert.Equal("g", JsonDocument.Parse(list.Out).RootElement[0].GetProperty("name").GetString());

        var duplicate = Seer("search", "add", "g", "--vectors", galleryFile);
        Assert.Equal(4, duplicate.Exit);
        Assert.Contains("already in feature group 'g'", duplicate.Err);
        var unknown = Seer("search", "query", "nope", "--vectors", probes, "--k", "3");
        Assert.Equal(3, unknown.Exit);
        Assert.Contains("'nope' does not exist", unknown.Err);
        string cut = Path.Combine(_dir, "cut.npy");
        File.WriteAllBytes(cut, File.ReadAllBytes(galleryFile)[..1000]);
        var truncated = Seer("search", "add", "g", "--vectors", cut);
        Assert.Equal(2, truncated.Exit);
        Assert.Contains($"vector file {cut} is truncated", truncated.Err);
        string wide = Path.Combine(_dir, "wide.npy");
        VectorFiles.Write(wide, new VectorMatrix(1, 8, new float[8]));
        var wrongDim = Seer("search", "query", "g", "--vectors", wide, "--k", "1");
        Assert.Equal(2, wrongDim.Exit);
        Assert.Contains("expects dimension 16", wrongDim.Err);

        var compare = Seer("search", "compare", "--a", probes, "--b", probes, "--json");
        Assert.Equal(0, compare.Exit);
        var scores = JsonDocument.Parse(compare.Out).RootElement.GetProperty("scores");
        Assert.Equal(1.0, scores[0].GetDouble(), 4);

        Assert.Equal(0, Seer("search", "group", "delete", "g").Exit);
        Assert.Equal(3, Seer("search", "add", "g", "--vectors", galleryFile).Exit);
    }

    [Fact]
    public async Task SearchIndex_BuildsAGroupFromADatasetsImagesWithAFeatureModel()
    {
        string home = Path.Combine(_dir, "home");
        // A dataset of plain colour squares; "red-small" is a near-duplicate of "red" at another size.
        using (var workspace = Workspace.Open(home))
        {
            var images = new List<ImageRecord>();
            foreach (var (name, size, colour) in new[]
                     {
                         ("red.png", 64, new CvScalar(0, 0, 250)), ("green.png", 64, new CvScalar(0, 250, 0)),
                         ("blue.png", 64, new CvScalar(250, 0, 0)), ("red-small.png", 40, new CvScalar(0, 0, 240)),
                         ("grey.png", 64, new CvScalar(128, 128, 128)),
                     })
            {
                using var mat = new Mat(size, size, MatType.CV_8UC3, colour);
                var put = await workspace.Blobs.PutAsync(new MemoryStream(mat.ImEncode(".png")), CancellationToken.None);
                images.Add(new ImageRecord(put.Sha256, name, size, size));
            }
            workspace.CommitVersion("shapes", images, [], "import", null);
        }
        // A feature model: the mean of each colour channel (GlobalAveragePool → [N, 3]).
        var g = new OnnxGraphBuilder("meancolour");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, 32, 32]);
        string feature = g.Reshape(g.GlobalAveragePool(x), -1, 3);
        g.AddOutput(feature, "feature", OnnxElementType.Float, [null, 3]);
        string model = Path.Combine(_dir, "meancolour.onnx");
        OnnxModelWriter.Write(g, model, new InferenceSpec
        {
            Task = "embed", InputWidth = 32, InputHeight = 32, OutputLayout = OutputLayout.Embedding,
        }.ToProperties());

        var index = Seer("search", "index", "shapes", "--model", model, "--json");

        Assert.True(index.Exit == 0, index.Err);
        var result = JsonDocument.Parse(index.Out).RootElement;
        Assert.Equal(5, result.GetProperty("added").GetInt32());
        Assert.Equal(3, result.GetProperty("dim").GetInt32());
        using var group = new SearchWorkspace(home).Open("shapes");
        var red = group.Get("red.png")!;
        Assert.Contains("\"dataset\":\"shapes\"", red.Metadata);
        var hits = group.Search(red.Vector, 2);
        Assert.Equal(["red-small.png", "red.png"], hits.Select(h => h.Id).Order());
        Assert.All(hits, h => Assert.True(h.Score > 0.99f));
        Assert.True(group.Search(group.Get("green.png")!.Vector, 1)[0].Id == "green.png");
    }
}
