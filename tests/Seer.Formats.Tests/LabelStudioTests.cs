using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Formats.Tests.Support;

namespace Seer.Formats.Tests;

/// <summary>Label Studio JSON tasks with annotations and predictions.</summary>
public sealed class LabelStudioTests
{
    [Fact]
    public void LabelStudio_RoundTrip_KeepsBoxesPolygonsFlagsAttributesAndUnlabelledImages_ReportsAreas()
    {
        using var dir = new TempDir();
        var detection = Generated.Detection(200, seed: 31);
        var (back, report, _) = RoundTrip.Through(detection, "labelstudio", dir);
        // Flags and attributes travel in each region's meta (the writer the labelling hand-off shares).
        RoundTrip.AssertKept(detection, back, Holds.Boxes | Holds.Polygons | Holds.Crowd | Holds.DifficultTruncated | Holds.ObjectAttributes);
        Assert.Equal(detection.Images.Where(i => i.Objects.Any(o => o.Area is not null)).Select(i => i.FileName).ToHashSet(),
            report.Lost.Select(l => l.File).ToHashSet());
    }

    [Fact]
    public void LabelStudio_RoundTrip_KeepsPredictionsWithScoresAndModelVersions_AndTags()
    {
        using var dir = new TempDir();
        var source = Generated.Detection(60, seed: 41);
        var rnd = new Random(2);
        var images = source.Images.Select(i => i with
        {
            Tags = i.IsLabelled && i.Objects.Count > 0 ? ["street"] : [],
            Objects = i.Objects.Select((o, k) => k % 2 == 1
                ? new ObjectAnnotation(o.Label, o.Box)
                {
                    Source = AnnotationSource.Predicted,
                    Score = Math.Round(rnd.NextDouble(), 4),
                    Attributes = new Dictionary<string, string> { ["model_version"] = k % 4 == 1 ? "m-1" : "m-2" },
                }
                : new ObjectAnnotation(o.Label, o.Box) { Polygons = o.Polygons }).ToList(),
        }).ToList();
        var snapshot = new DatasetSnapshot("p", "v1", source.Classes, images, source.Blobs);
        var (back, report, _) = RoundTrip.Through(snapshot, "labelstudio", dir);
        Assert.Empty(report.Lost);
        var byName = back.Images.ToDictionary(i => i.FileName);
        foreach (var e in snapshot.Images)
        {
            var a = byName[e.FileName];
            Assert.Equal(e.IsLabelled, a.IsLabelled);
            Assert.Equal(e.Tags, a.Tags);
            var expected = e.Objects.OrderBy(o => o.Source).ThenBy(o => o.Attributes.GetValueOrDefault("model_version")).ToList();
            var actual = a.Objects.OrderBy(o => o.Source).ThenBy(o => o.Attributes.GetValueOrDefault("model_version")).ToList();
            Assert.Equal(expected.Count, actual.Count);
            for (int k = 0; k < expected.Count; k++)
            {
                Assert.Equal(expected[k].Source, actual[k].Source);
                RoundTrip.AssertObject(e.FileName, expected[k], actual[k], Holds.Boxes | Holds.Polygons | Holds.Score | Holds.ObjectAttributes);
            }
        }
    }

    [Fact]
    public void LabelStudio_ReadsAnExport_WithUploadPaths_RotatedBoxes_CancelledAnnotations_AndMissingImages()
    {
        using var dir = new TempDir();
        var rnd = new Random(8);
        dir.Write("media/cat.jpg", Generated.Jpeg(200, 100, rnd));
        dir.Write("media/pool.jpg", Generated.Jpeg(200, 100, rnd));
        dir.Write("export.json", """
            [{"id": 7, "data": {"image": "/data/upload/3/cat.jpg"},
              "annotations": [{"was_cancelled": true, "result": []},
                              {"result": [{"id": "a", "type": "rectanglelabels", "original_width": 200, "original_height": 100,
                                           "value": {"x": 10, "y": 20, "width": 25, "height": 50, "rotation": 0, "rectanglelabels": ["cat"]}},
                                          {"id": "b", "type": "rectanglelabels", "original_width": 200, "original_height": 100,
                                           "value": {"x": 50, "y": 50, "width": 10, "height": 20, "rotation": 90, "rectanglelabels": ["cat"]}},
                                          {"id": "c", "type": "keypointlabels", "value": {"x": 1, "y": 1, "keypointlabels": ["nose"]}},
                                          {"id": "d", "type": "choices", "value": {"choices": ["indoor"]}}]}],
              "predictions": [{"model_version": "v3", "score": 0.5, "result": [{"type": "rectanglelabels", "score": 0.9,
                                "value": {"x": 0, "y": 0, "width": 50, "height": 50, "rectanglelabels": ["dog"]}}]}]},
             {"id": 8, "data": {"image": "s3://bucket/photos/gone.jpg"}}]
            """);
        var (snapshot, read) = Snapshots.Import(dir.Path, "labelstudio");
        var cat = snapshot.Images.Single(i => i.FileName == "media/cat.jpg");
        Assert.True(cat.IsLabelled);
        Assert.Equal(["indoor"], cat.Tags);
        Assert.Equal(new Core.Geometry.BoxXyxy(20, 20, 70, 70), cat.Objects[0].Box);
        var rotated = cat.Objects[1].Box;
        Assert.Equal((80, 50, 100, 70), (Math.Round(rotated.X1, 9), Math.Round(rotated.Y1, 9), Math.Round(rotated.X2, 9), Math.Round(rotated.Y2, 9)));
        var dog = cat.Objects[2];
        Assert.Equal((AnnotationSource.Predicted, 0.9, "v3"), (dog.Source, dog.Score, dog.Attributes["model_version"]));
        Assert.Equal(new Core.Geometry.BoxXyxy(0, 0, 100, 50), dog.Box);
        Assert.False(snapshot.Images.Single(i => i.FileName == "media/pool.jpg").IsLabelled);
        Assert.Contains(read.Rejected, r => r.Reason.Contains("keypointlabels"));
        Assert.Contains(read.Rejected, r => r.File.Contains("task 8") && r.Reason.Contains("gone.jpg"));
        Assert.Equal(2, read.Rejected.Count);
        Assert.Contains(read.Warnings, w => w.Reason.Contains("rotated"));
    }
}
