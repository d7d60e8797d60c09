using Seer.Core.Geometry;

namespace Seer.Video.Tracking;

/// <summary>Settings of <see cref="SortTracker"/> (the paper's: IoU_min 0.3, T_lost 1, a probation of a few frames).</summary>
public sealed record SortOptions
{
    /// <summary>Detections below this score are not used at all (SORT has a single detection threshold).</summary>
    public float ScoreThreshold { get; init; } = 0.5f;
    /// <summary>Assignments with IoU below this are rejected (paper: IoU_min = 0.3).</summary>
    public double MinIou { get; init; } = 0.3;
    /// <summary>Frames a track survives without a detection (paper: T_lost = 1).</summary>
    public int MaxAge { get; init; } = 1;
    /// <summary>Consecutive hits before a track is reported (the probationary period; the authors' code uses 3).</summary>
    public int MinHits { get; init; } = 3;

    public override string ToString() => $"score>={ScoreThreshold:0.##} iou>={MinIou:0.##} max_age={MaxAge} min_hits={MinHits}";
}

/// <summary>
/// SORT (Bewley et al., 2016, "Simple Online and Realtime Tracking") as the paper describes it: each target's state is
/// [u, v, s, r, u̇, v̇, ṡ] (centre, scale = area, aspect ratio constant) under a constant-velocity Kalman filter; the
/// predicted boxes are assigned to the frame's detections by the Hungarian method on IoU, rejecting IoU below IoU_min;
/// unmatched detections start tracks, which are reported after a probation of <see cref="SortOptions.MinHits"/> hits;
/// tracks unmatched for <see cref="SortOptions.MaxAge"/> frames are deleted (no re-identification). One association
/// stage, one score threshold. Noise values are those of the authors' reference settings (measurement noise ×10 on scale
/// and ratio, initial velocity uncertainty 1e4, process noise 0.01 on velocities).
/// </summary>
public sealed class SortTracker : IMultiObjectTracker
{
    private static readonly int[] VelocityOf = [4, 5, 6, -1, -1, -1, -1];
    private static readonly double[] InitStd = [Math.Sqrt(10), Math.Sqrt(10), Math.Sqrt(10), Math.Sqrt(10), 100, 100, 100];
    private static readonly double[] Q = [1, 1, 1, 1, 0.1, 0.1, 0.01];
    private static readonly double[] R = [1, 1, Math.Sqrt(10), Math.Sqrt(10)];

    private sealed class Track
    {
        public required KalmanFilter Filter;
        public int Id;
        public int HitStreak;
        public int TimeSinceUpdate;
        public int ClassId;
        public float Score;
        public int DetectionIndex;
        public bool Reported;

        public BoxXyxy Box
        {
            get
            {
                double s = Math.Max(Filter.Mean[2], 1e-6), r = Math.Max(Filter.Mean[3], 1e-6);
                double w = Math.Sqrt(s * r), h = s / w;
                return new BoxXyxy(Filter.Mean[0] - w / 2, Filter.Mean[1] - h / 2, Filter.Mean[0] + w / 2, Filter.Mean[1] + h / 2);
            }
        }
    }

    private readonly SortOptions _o;
    private readonly List<Track> _tracks = [];
    private readonly List<int> _ended = [];
    private int _frame;
    private int _nextId = 1;

    public SortTracker(SortOptions? options = null) => _o = options ?? new SortOptions();

    public IReadOnlyList<int> Ended => _ended;

    private static double[] Measure(BoxXyxy b) => [b.CenterX, b.CenterY, b.Width * b.Height, b.Width / Math.Max(b.Height, 1e-6)];

    public IReadOnlyList<TrackedObject> Update(IReadOnlyList<TrackerInput> detections)
    {
        _frame++;
        _ended.Clear();
        var dets = new List<int>();
        for (int i = 0; i < detections.Count; i++)
            if (!detections[i].Box.IsDegenerate && detections[i].Score >= _o.ScoreThreshold) dets.Add(i);

        foreach (var t in _tracks)
        {
            if (t.Filter.Mean[2] + t.Filter.Mean[6] <= 0) t.Filter.Mean[6] = 0;
            t.Filter.Predict(Q);
            t.TimeSinceUpdate++;
            if (t.TimeSinceUpdate > 1) t.HitStreak = 0;
        }
        var cost = BoxState.IouDistance(_tracks.Select(t => t.Box).ToList(), _tracks.Select(t => t.ClassId).ToList(),
            dets.Select(i => detections[i].Box).ToList(), dets.Select(i => detections[i].ClassId).ToList());
        var pairs = LinearAssignment.SolveWithLimit(cost, 1 - _o.MinIou);
        var matchedD = new bool[dets.Count];
        foreach (var (r, c) in pairs)
        {
            var t = _tracks[r];
            int d = dets[c];
            matchedD[c] = true;
            t.Filter.Update(Measure(detections[d].Box), R);
            t.TimeSinceUpdate = 0;
            t.HitStreak++;
            t.Score = detections[d].Score;
            t.ClassId = detections[d].ClassId;
            t.DetectionIndex = d;
        }
        for (int c = 0; c < dets.Count; c++)
        {
            if (matchedD[c]) continue;
            var det = detections[dets[c]];
            double[] z = Measure(det.Box);
            _tracks.Add(new Track
            {
                Filter = new KalmanFilter([.. z, 0, 0, 0], InitStd, VelocityOf),
                HitStreak = 1, ClassId = det.ClassId, Score = det.Score, DetectionIndex = dets[c],
            });
        }

        var output = new List<TrackedObject>();
        for (int i = _tracks.Count - 1; i >= 0; i--)
        {
            var t = _tracks[i];
            if (t.TimeSinceUpdate == 0 && (t.HitStreak >= _o.MinHits || _frame <= _o.MinHits))
            {
                if (t.Id == 0) t.Id = _nextId++;
                t.Reported = true;
                output.Add(new TrackedObject(t.Id, t.Box, t.Score, t.ClassId, t.DetectionIndex));
            }
            if (t.TimeSinceUpdate > _o.MaxAge)
            {
                if (t.Reported) _ended.Add(t.Id);
                _tracks.RemoveAt(i);
            }
        }
        output.Sort((a, b) => a.TrackId.CompareTo(b.TrackId));
        return output;
    }
}
