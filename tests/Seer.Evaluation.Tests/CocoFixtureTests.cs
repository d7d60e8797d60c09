using System.Text.Json;

namespace Seer.Evaluation.Tests;

/// <summary>Every pycocotools fixture: the twelve stats and per-class AP equal what pycocotools printed.</summary>
public class CocoFixtureTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var n in FixtureFiles.Names) data.Add(n);
        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void CocoFiles_EqualPycocotoolsStatsAndPerClassAP(string fixture)
    {
        var metrics = DetectionEvaluator.EvaluateCocoFiles(FixtureFiles.Gt(fixture), FixtureFiles.Pred(fixture));
        using var expected = JsonDocument.Parse(File.ReadAllText(FixtureFiles.Expected(fixture)));
        var json = metrics.ToJson();
        foreach (var key in new[] { "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl" })
        {
            double want = expected.RootElement.GetProperty(key).GetDouble();
            double got = (double)json[key]!;
            Assert.True(Math.Abs(want - got) <= Tolerance, $"{fixture} {key}: pycocotools {want:R}, Seer {got:R}");
        }

        var perClass = expected.RootElement.GetProperty("per_class");
        Assert.Equal(perClass.EnumerateObject().Count(), metrics.PerClass.Count);
        foreach (var p in perClass.EnumerateObject())
        {
            double want = p.Value.GetDouble();
            Assert.True(metrics.PerClass.TryGetValue(p.Name, out double got), $"{fixture}: class {p.Name} missing");
            Assert.True(Math.Abs(want - got) <= Tolerance, $"{fixture} per_class {p.Name}: pycocotools {want:R}, Seer {got:R}");
        }
    }
}
