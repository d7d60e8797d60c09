using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Video.Mot;

namespace Seer.Video.Tests;

/// <summary>MOT measures on cases small enough to count by hand (the counts are in the comments).</summary>
public sealed class MotMetricsTests
{
    private static readonly BoxXyxy A = new(0, 0, 10, 10), B = new(100, 0, 110, 10);
    private static MotRow R(int frame, int id, BoxXyxy box) => new(frame, id, box, 1f);

    [Fact]
    public void SwitchMissFalsePositive_CountedByHand()
    {
        // GT: id 1 on A frames 1-4, id 2 on B frames 1-4 (8 boxes).
        var gt = new List<MotRow>();
        for (int f = 1; f <= 4; f++) { gt.Add(R(f, 1, A)); gt.Add(R(f, 2, B)); }
        // Hyp: 10 on A frames 1-2, 11 on A frames 3-4 (switch at frame 3); 20 on B frames 1-3, frame 1 shifted by 1 px
        // (IoU 90/110 = 9/11), missing in frame 4; 30 a false positive in frame 2. 8 boxes.
        var hyp = new List<MotRow>
        {
            R(1, 10, A), R(2, 10, A), R(3, 11, A), R(4, 11, A),
            R(1, 20, new BoxXyxy(101, 0, 111, 10)), R(2, 20, B), R(3, 20, B),
            R(2, 30, new BoxXyxy(50, 50, 60, 60)),
        };
        var m = MotMetrics.Evaluate(gt, hyp);
        Assert.Equal(8, m.GroundTruth);
        Assert.Equal(7, m.Matches);
        Assert.Equal(1, m.Misses);
        Assert.Equal(1, m.FalsePositives);
        Assert.Equal(1, m.IdSwitches);
        Assert.Equal(1 - 3.0 / 8, m.Mota, 12);                 // 0.625
        Assert.Equal((6 + 9.0 / 11) / 7, m.Motp, 12);
        // ID: overlaps (1,10)=2, (1,11)=2, (2,20)=3 → IDTP = 2 + 3 = 5; IDFP = 8 − 5 = 3; IDFN = 8 − 5 = 3.
        Assert.Equal(5, m.IdTruePositives);
        Assert.Equal(3, m.IdFalsePositives);
        Assert.Equal(3, m.IdFalseNegatives);
        Assert.Equal(10.0 / 16, m.Idf1, 12);
        Assert.Equal(5.0 / 8, m.Idp, 12);
        Assert.Equal(5.0 / 8, m.Idr, 12);
    }

    [Fact]
    public void PreviousCorrespondenceIsKeptOverABetterOverlap()
    {
        // Frame 1: gt 1 ↔ hyp 5 exactly. Frame 2: hyp 5 still overlaps (IoU 100/120) and hyp 6 fits exactly: CLEAR-MOT keeps
        // 5 (no switch) and hyp 6 is a false positive.
        var gt = new List<MotRow> { R(1, 1, A), R(2, 1, A) };
        var hyp = new List<MotRow> { R(1, 5, A), R(2, 5, new BoxXyxy(0, 0, 10, 12)), R(2, 6, A) };
        var m = MotMetrics.Evaluate(gt, hyp);
        Assert.Equal(0, m.IdSwitches);
        Assert.Equal(2, m.Matches);
        Assert.Equal(1, m.FalsePositives);
        Assert.Equal(1 - 1.0 / 2, m.Mota, 12);
        Assert.Equal((1 + 100.0 / 120) / 2, m.Motp, 12);
        // IDTP: (1,5) = 2 frames → 2; IDF1 = 4 / (4 + 1 + 0).
        Assert.Equal(4.0 / 5, m.Idf1, 12);
    }

    [Fact]
    public void IdMeasuresUseTheGlobalTrajectoryMatchingNotPerFrameGreed()
    {
        // gt 1: frames 1-3 on A; gt 2: frames 4-6 on A. Hyp 7 covers A frames 1-6 (one id across both people),
        // hyp 8 covers A frames 4-6 duplicated. Best one-to-one: 1↔7 (3) + 2↔8 (3) = 6, not 7 taking 2's frames.
        var gt = new List<MotRow>();
        var hyp = new List<MotRow>();
        for (int f = 1; f <= 6; f++) { gt.Add(R(f, f <= 3 ? 1 : 2, A)); hyp.Add(R(f, 7, A)); }
        for (int f = 4; f <= 6; f++) hyp.Add(R(f, 8, A));
        var m = MotMetrics.Evaluate(gt, hyp);
        Assert.Equal(6, m.IdTruePositives);
        Assert.Equal(3, m.IdFalsePositives);
        Assert.Equal(0, m.IdFalseNegatives);
        Assert.Equal(12.0 / 15, m.Idf1, 12);
        // CLEAR: 6 matches (7 keeps gt 2 from frame 4: first match of gt 2, not a switch), 3 FP.
        Assert.Equal(0, m.IdSwitches);
        Assert.Equal(3, m.FalsePositives);
        Assert.Equal(1 - 3.0 / 6, m.Mota, 12);
    }

    [Fact]
    public void MotFile_RoundTripsAndNamesTheBadLine()
    {
        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "t.txt");
            MotFile.WriteResults(path, [new MotRow(3, 2, BoxXyxy.FromXywh(10.5, 20, 30, 40.25), 0.875f)]);
            Assert.Equal("3,2,10.5,20,30,40.25,0.875,-1,-1,-1", File.ReadAllText(path).Trim());
            var back = Assert.Single(MotFile.Read(path));
            Assert.Equal((3, 2, 10.5, 40.5, 60.25), (back.Frame, back.Id, back.Box.X1, back.Box.X2, back.Box.Y2));

            string bad = Path.Combine(dir, "bad.txt");
            File.WriteAllText(bad, "1,-1,0,0,10,10,0.9\n2,-1,0,0,-5,10,0.9\n");
            var ex = Assert.Throws<SeerException>(() => MotFile.Read(bad));
            Assert.Contains("bad.txt:2", ex.Message);
            Assert.Equal(bad, ex.Path);
        }
        finally { Directory.Delete(dir, true); }
    }
}
