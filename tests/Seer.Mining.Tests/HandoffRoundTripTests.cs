using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;
using Seer.Core.Interchange;
using Seer.Formats;
using Seer.Formats.Handoff;

namespace Seer.Mining.Tests;

public sealed class HandoffRoundTripTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "seer-handoff-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A mined version: unlabelled images with predicted boxes, one labelled image with ground truth, one bare.</summary>
    private static DatasetSnapshot MinedVersion()
    {
        var blobs = new MemoryBlobs();
        var images = new List<ImageRecord>();
        var rng = new Random(7);
        for (int i = 0; i < 6; i++)
        {
            int w = 64 + i * 8, h = 48 + i * 4;
            var objects = Enumerable.Range(0, i % 3 + 1).Select(k =>
            {
                double x = rng.NextDouble() * w / 2, y = rng.NextDouble() * h / 2;
                return new ObjectAnnotation(k % 2 == 0 ? "cat" : "dog", new BoxXyxy(x, y, x + 5 + rng.NextDouble() * 20, y + 4 + rng.NextDouble() * 15))
                {
                    Score = Math.Round(0.3 + rng.NextDouble() * 0.6, 4),
                    Source = AnnotationSource.Predicted,
                };
            }).ToList();
            images.Add(new ImageRecord(blobs.AddPng(i, w, h), $"pool/img{i}.png", w, h) { IsLabelled = false, Objects = objects });
        }
        images.Add(new ImageRecord(blobs.AddPng(40, 80, 60), "pool/bare.png", 80, 60) { IsLabelled = false });
        images.Add(new ImageRecord(blobs.AddPng(41, 80, 60), "pool/done.png", 80, 60)
        {
            IsLabelled = true,
            Objects = [new ObjectAnnotation("dog", new BoxXyxy(1.5, 2.25, 30.75, 40)) { Difficult = true }],
        });
        return new DatasetSnapshot("pool-mined", "v1", ["cat", "dog"], images, blobs);
    }

    private static List<ImportItem> ReadBack(string tool, string folder)
    {
        using var files = FileSources.Open(folder);
        var read = LabellingTasks.Importer(tool).Read(files, new ImportOptions());
        var items = read.Items.ToList();
        Assert.Empty(read.Rejected);
        return items;
    }

    [Theory]
    [InlineData("cvat")]
    [InlineData("labelstudio")]
    public void Pre_annotated_task_round_trip_keeps_every_box_score_and_labelled_state(string tool)
    {
        var snapshot = MinedVersion();
        string folder = Path.Combine(_dir, tool);
        var report = LabellingTasks.Exporter(tool).Write(snapshot, folder);
        Assert.Equal(snapshot.Images.Count, report.Images);
        Assert.Equal(snapshot.Images.Sum(i => i.Objects.Count), report.Objects);
        var items = ReadBack(tool, folder).ToDictionary(i => i.FileName);
        Assert.Equal(snapshot.Images.Count, items.Count);
        foreach (var image in snapshot.Images)
        {
            var back = items[image.FileName];
            Assert.Equal(image.IsLabelled, back.IsLabelled);
            Assert.Equal(image.Objects.Count, back.Objects.Count);
            foreach (var (a, b) in image.Objects.Zip(back.Objects))
            {
                Assert.Equal(a.Label, b.Label);
                Assert.Equal(a.Source, b.Source);
                Assert.Equal(a.Score, b.Score);
                Assert.Equal(a.Difficult, b.Difficult);
                Assert.Equal(a.Box.X1, b.Box.X1, 6);
                Assert.Equal(a.Box.Y1, b.Box.Y1, 6);
                Assert.Equal(a.Box.X2, b.Box.X2, 6);
                Assert.Equal(a.Box.Y2, b.Box.Y2, 6);
            }
            using var stream = back.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            using var original = snapshot.OpenImage(image);
            using var originalCopy = new MemoryStream();
            original.CopyTo(originalCopy);
            Assert.Equal(originalCopy.ToArray(), copy.ToArray());
        }
    }

    [Fact]
    public void Label_studio_finished_annotations_replace_predictions_and_make_the_image_labelled()
    {
        var snapshot = MinedVersion();
        string folder = Path.Combine(_dir, "ls");
        LabellingTasks.Exporter("labelstudio").Write(snapshot, folder);
        // The labeller accepts task 1's prediction after moving its box, the way Label Studio exports it.
        string tasksPath = Path.Combine(folder, "tasks.json");
        var tasks = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(tasksPath))!.AsArray();
        var first = tasks[0]!;
        var result = first["predictions"]![0]!["result"]!.DeepClone().AsArray();
        result[0]!["value"]!["x"] = 10.0;
        result[0]!.AsObject().Remove("score");
        first["annotations"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = 5, ["was_cancelled"] = false, ["result"] = result,
        });
        File.WriteAllText(tasksPath, tasks.ToJsonString());
        var back = ReadBack("labelstudio", folder).Single(i => i.FileName == snapshot.Images[0].FileName);
        Assert.True(back.IsLabelled);
        var o = Assert.Single(back.Objects);
        Assert.Equal(AnnotationSource.GroundTruth, o.Source);
        Assert.Null(o.Score);
        Assert.Equal(0.10 * snapshot.Images[0].Width, o.Box.X1, 6);
    }

    [Fact]
    public void Cvat_finished_task_reads_every_image_as_labelled()
    {
        var snapshot = MinedVersion();
        string folder = Path.Combine(_dir, "cvat-done");
        LabellingTasks.Exporter("cvat").Write(snapshot, folder);
        // CVAT's own export after the work is done has no Seer markers: every image counts as labelled.
        string xmlPath = Path.Combine(folder, "annotations.xml");
        File.WriteAllText(xmlPath, File.ReadAllText(xmlPath).Replace(" seer_unlabelled=\"1\"", "", StringComparison.Ordinal));
        var items = ReadBack("cvat", folder);
        Assert.All(items, i => Assert.True(i.IsLabelled));
        Assert.All(items.SelectMany(i => i.Objects), o => Assert.Equal(AnnotationSource.GroundTruth, o.Source));
        Assert.Equal(snapshot.Images.Sum(i => i.Objects.Count), items.Sum(i => i.Objects.Count));
    }

    [Fact]
    public void Unknown_tool_is_a_clear_error()
    {
        var ex = Assert.Throws<Core.Errors.SeerException>(() => LabellingTasks.Exporter("labelbox"));
        Assert.Contains("cvat or labelstudio", ex.Message);
    }
}
