using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;

namespace Seer.Evaluation.Tests;

/// <summary>The image-record API (used by training and the registry) gives pycocotools' numbers too.</summary>
public class RecordApiTests
{
    [Theory]
    [InlineData("random_small")]
    [InlineData("crowd")]
    [InlineData("area_ranges")]
    public void ImageRecordsBuiltFromFixture_EqualPycocotools(string fixture)
    {
        using var gt = JsonDocument.Parse(File.ReadAllText(FixtureFiles.Gt(fixture)));
        using var pred = JsonDocument.Parse(File.ReadAllText(FixtureFiles.Pred(fixture)));
        var cats = gt.RootElement.GetProperty("categories").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetInt64(), c => c.GetProperty("name").GetString()!);
        var imageIds = gt.RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).Order().ToList();
        var index = imageIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var objects = imageIds.Select(_ => new List<ObjectAnnotation>()).ToList();
        foreach (var a in gt.RootElement.GetProperty("annotations").EnumerateArray())
        {
            var b = a.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            objects[index[a.GetProperty("image_id").GetInt64()]].Add(
                new ObjectAnnotation(cats[a.GetProperty("category_id").GetInt64()], BoxXyxy.FromXywh(b[0], b[1], b[2], b[3]))
                {
                    Area = a.GetProperty("area").GetDouble(),
                    IsCrowd = a.TryGetProperty("iscrowd", out var c) && c.GetInt32() == 1,
                });
        }

        var preds = imageIds.Select(_ => new List<ObjectAnnotation>()).ToList();
        foreach (var p in pred.RootElement.EnumerateArray())
        {
            var b = p.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            preds[index[p.GetProperty("image_id").GetInt64()]].Add(
                new ObjectAnnotation(cats[p.GetProperty("category_id").GetInt64()], BoxXyxy.FromXywh(b[0], b[1], b[2], b[3]))
                {
                    Score = p.GetProperty("score").GetDouble(), Source = AnnotationSource.Predicted,
                });
        }

        var records = imageIds.Select((id, i) => new ImageRecord($"{id:x64}", $"{id}.jpg", 800, 600) { Objects = objects[i], IsLabelled = true }).ToList();
        var m = DetectionEvaluator.Evaluate(records, preds, cats.OrderBy(c => c.Key).Select(c => c.Value).ToList());

        using var expected = JsonDocument.Parse(File.ReadAllText(FixtureFiles.Expected(fixture)));
        var json = m.ToJson();
        foreach (var key in new[] { "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl" })
            Assert.Equal(expected.RootElement.GetProperty(key).GetDouble(), (double)json[key]!, 1e-9);
    }
}
