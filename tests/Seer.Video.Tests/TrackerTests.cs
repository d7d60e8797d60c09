using Seer.Core.Geometry;
using Seer.Video.Tracking;

namespace Seer.Video.Tests;

public sealed class TrackerTests
{
    private static BoxXyxy Box(double cx, double cy, double w = 40, double h = 80) => new(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);

    [Fact]
    public void ByteTracker_KeepsTheIdThroughAnOcclusionOfOneAndAHalfSeconds()
    {
        // 20 fps, a person walking 4 px/frame, invisible for 30 frames (1.5 s), then seen again where the motion predicts.
        var tracker = new ByteTracker(ByteTrackerOptions.ForFrameRate(20, lostSeconds: 2));
        var ids = new List<int>();
        for (int f = 0; f < 90; f++)
        {
            bool hidden = f is >= 30 and < 60;
            var dets = hidden ? new List<TrackerInput>() : [new TrackerInput(Box(100 + 4 * f, 200), 0.9f)];
            var outp = tracker.Update(dets);
            if (hidden) Assert.Empty(outp);
            else if (f >= 1) ids.Add(Assert.Single(outp).TrackId);
        }
        Assert.Equal([1], ids.Distinct());
    }

    [Fact]
    public void ByteTracker_FollowsLowScoreDetectionsSortDropsThem()
    {
        var bt = new ByteTracker();
        var sort = new SortTracker(new SortOptions { MinHits = 1 });
        int btOut = 0, sortOut = 0;
        for (int f = 0; f < 30; f++)
        {
            float score = f is >= 10 and < 20 ? 0.3f : 0.9f; // partly occluded: weak detections for 10 frames
            var dets = new List<TrackerInput> { new(Box(100 + 3 * f, 200), score) };
            var b = bt.Update(dets);
            var s = sort.Update(dets);
            if (f is >= 10 and < 20) { btOut += b.Count; sortOut += s.Count; Assert.All(b, o => Assert.Equal(1, o.TrackId)); }
        }
        Assert.Equal(10, btOut);
        Assert.Equal(0, sortOut);
    }

    [Fact]
    public void ByteTracker_BirthNeedsAConfidentDetectionAndASecondFrame()
    {
        var bt = new ByteTracker();
        bt.Update([new TrackerInput(Box(500, 500), 0.9f)]); // frame 1 confirms at once (ByteTrack's first-frame rule)
        var seen = new List<TrackedObject>();
        for (int f = 0; f < 10; f++)
        {
            var dets = new List<TrackerInput> { new(Box(500, 500), 0.9f) };
            if (f == 3) dets.Add(new TrackerInput(Box(100, 100), 0.95f));         // a one-frame false positive: never confirmed
            dets.Add(new TrackerInput(Box(300, 100), 0.55f));                       // above "high" but below the birth score: never a track
            seen.AddRange(bt.Update(dets));
        }
        Assert.Equal([1], seen.Select(s => s.TrackId).Distinct());
    }

    [Fact]
    public void ByteTracker_CrossingObjectsKeepTheirIds()
    {
        var bt = new ByteTracker();
        var byId = new Dictionary<int, List<double>>();
        for (int f = 0; f < 60; f++)
        {
            // Two people crossing left-right and right-left, one a little lower; the one behind gives weak detections.
            var a = Box(100 + 6 * f, 200);
            var b = Box(460 - 6 * f, 215);
            bool crossing = Math.Abs(a.CenterX - b.CenterX) < 30;
            var dets = new List<TrackerInput> { new(a, 0.9f) };
            if (!crossing) dets.Add(new TrackerInput(b, 0.85f)); // fully hidden while they overlap
            foreach (var o in bt.Update(dets))
            {
                if (!byId.TryGetValue(o.TrackId, out var xs)) byId[o.TrackId] = xs = [];
                xs.Add(o.Box.CenterX);
            }
        }
        Assert.Equal(2, byId.Count);
        // Each id moves monotonically one way: no swap at the crossing.
        foreach (var xs in byId.Values)
        {
            var steps = xs.Zip(xs.Skip(1), (p, q) => Math.Sign(q - p)).Distinct().ToList();
            Assert.Single(steps);
        }
    }

    [Fact]
    public void ByteTracker_ReportsTheEndAfterTheLostBuffer()
    {
        var bt = new ByteTracker(new ByteTrackerOptions { MaxLostFrames = 5 });
        bt.Update([new TrackerInput(Box(100, 100), 0.9f)]);
        bt.Update([new TrackerInput(Box(102, 100), 0.9f)]);
        var endedAt = new List<int>();
        for (int f = 3; f <= 12; f++)
        {
            bt.Update([]);
            if (bt.Ended.Count > 0) { Assert.Equal([1], bt.Ended); endedAt.Add(f); }
        }
        Assert.Equal([8], endedAt); // last matched at frame 2; lost for frames 3..7 (5); removed at frame 8
    }

    [Fact]
    public void Sort_LosesTheIdAfterAnOcclusion()
    {
        var sort = new SortTracker(new SortOptions { MinHits = 1, MaxAge = 1 });
        var ids = new HashSet<int>();
        for (int f = 0; f < 40; f++)
        {
            var dets = f is >= 15 and < 25 ? new List<TrackerInput>() : [new TrackerInput(Box(100 + 4 * f, 200), 0.9f)];
            foreach (var o in sort.Update(dets)) ids.Add(o.TrackId);
        }
        Assert.Equal(2, ids.Count);
    }
}
