using Seer.Core.Geometry;

namespace Seer.Video.Tracking;

/// <summary>
/// A tracker of the ByteTrack family (Zhang et al., 2022): a Kalman filter on (centre x, centre y, aspect, height) with
/// constant velocity and noise proportional to the box height; association by IoU with the Hungarian method in two
/// stages — first the high-score detections against every tracked and lost track, then the low-score detections against
/// the tracks still unmatched (occluded or blurred objects keep their track through weak detections instead of those
/// detections being thrown away); births need a score above <see cref="ByteTrackerOptions.NewTrackThreshold"/> and
/// <see cref="ByteTrackerOptions.ConfirmFrames"/> consecutive matches; deaths come after
/// <see cref="ByteTrackerOptions.MaxLostFrames"/> unmatched frames, during which a lost track can be re-found by its
/// predicted box and keeps its id (occlusions).
/// </summary>
public sealed class ByteTracker : IMultiObjectTracker
{
    private const double StdPosition = 1.0 / 20, StdVelocity = 1.0 / 160;
    private static readonly int[] VelocityOf = [4, 5, 6, 7, -1, -1, -1, -1];

    private enum State { Tentative, Tracked, Lost }

    private sealed class Track
    {
        public required KalmanFilter Filter;
        public State State;
        public int Id;           // 0 until confirmed
        public int Hits;         // consecutive matched frames while tentative
        public int StartFrame;
        public int LastMatchedFrame;
        public int ClassId;
        public float Score;
        public int DetectionIndex;
        public BoxXyxy Box => BoxState.FromXyah(Filter.Mean[0], Filter.Mean[1], Filter.Mean[2], Filter.Mean[3]);
    }

    private readonly ByteTrackerOptions _o;
    private readonly List<Track> _tracks = [];
    private readonly List<int> _ended = [];
    private int _frame;
    private int _nextId = 1;

    public ByteTracker(ByteTrackerOptions? options = null)
    {
        _o = options ?? new ByteTrackerOptions();
        _o.Validate();
    }

    public IReadOnlyList<int> Ended => _ended;

    /// <summary>Ids of confirmed tracks alive now (tracked or lost), for closing them at the end of a stream.</summary>
    public IReadOnlyList<int> LiveIds => _tracks.Where(t => t.Id > 0).Select(t => t.Id).ToList();

    public IReadOnlyList<TrackedObject> Update(IReadOnlyList<TrackerInput> detections)
    {
        ArgumentNullException.ThrowIfNull(detections);
        _frame++;
        _ended.Clear();
        var high = new List<int>();
        var low = new List<int>();
        for (int i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            if (d.Box.IsDegenerate || !float.IsFinite(d.Score)) continue;
            if (d.Score >= _o.HighThreshold) high.Add(i);
            else if (d.Score >= _o.LowThreshold) low.Add(i);
        }

        foreach (var t in _tracks)
        {
            if (t.State != State.Tracked) t.Filter.Mean[7] = 0; // lost / tentative: no height velocity
            t.Filter.Predict(ProcessStd(t.Filter.Mean[3]));
        }

        // Stage 1: high detections × (tracked ∪ lost).
        var pool = _tracks.Where(t => t.State is State.Tracked or State.Lost).ToList();
        var (m1, unmatchedPool, remainingHigh) = Associate(pool, high, detections, _o.FirstMatchIou);
        foreach (var (t, d) in m1) Apply(t, detections, d);

        // Stage 2: low detections × tracks that were tracked last frame and are still unmatched.
        var stillTracked = unmatchedPool.Where(t => t.State == State.Tracked).ToList();
        var (m2, unmatchedTracked, _) = Associate(stillTracked, low, detections, _o.SecondMatchIou);
        foreach (var (t, d) in m2) Apply(t, detections, d);
        foreach (var t in unmatchedTracked) t.State = State.Lost;

        // Stage 3: tentative tracks × the high detections left; unmatched tentative tracks die silently.
        var tentative = _tracks.Where(t => t.State == State.Tentative).ToList();
        var (m3, unmatchedTentative, newHigh) = Associate(tentative, remainingHigh, detections, _o.TentativeMatchIou);
        foreach (var (t, d) in m3)
        {
            Apply(t, detections, d);
            t.Hits++;
            if (t.Hits >= _o.ConfirmFrames) Confirm(t);
        }
        foreach (var t in unmatchedTentative) _tracks.Remove(t);

        // Births from the confident leftovers.
        foreach (int d in newHigh)
        {
            var det = detections[d];
            if (det.Score < _o.NewTrackThreshold) continue;
            var (cx, cy, a, h) = BoxState.ToXyah(det.Box);
            double[] init = [2 * StdPosition * h, 2 * StdPosition * h, 1e-2, 2 * StdPosition * h,
                10 * StdVelocity * h, 10 * StdVelocity * h, 1e-5, 10 * StdVelocity * h];
            var t = new Track
            {
                Filter = new KalmanFilter([cx, cy, a, h, 0, 0, 0, 0], init, VelocityOf),
                State = State.Tentative, Hits = 1, StartFrame = _frame, LastMatchedFrame = _frame,
                ClassId = det.ClassId, Score = det.Score, DetectionIndex = d,
            };
            _tracks.Add(t);
            if (_frame == 1 || _o.ConfirmFrames <= 1) Confirm(t);
        }

        // Deaths: lost for longer than the buffer.
        for (int i = _tracks.Count - 1; i >= 0; i--)
        {
            var t = _tracks[i];
            if (t.State == State.Lost && _frame - t.LastMatchedFrame > _o.MaxLostFrames)
            {
                _ended.Add(t.Id);
                _tracks.RemoveAt(i);
            }
        }
        RemoveDuplicates();

        var output = new List<TrackedObject>();
        foreach (var t in _tracks)
            if (t.State == State.Tracked && t.LastMatchedFrame == _frame)
                output.Add(new TrackedObject(t.Id, t.Box, t.Score, t.ClassId, t.DetectionIndex));
        output.Sort((a, b) => a.TrackId.CompareTo(b.TrackId));
        return output;
    }

    private void Confirm(Track t)
    {
        t.State = State.Tracked;
        if (t.Id == 0) t.Id = _nextId++;
    }

    private void Apply(Track t, IReadOnlyList<TrackerInput> detections, int d)
    {
        var det = detections[d];
        var (cx, cy, a, h) = BoxState.ToXyah(det.Box);
        double ph = t.Filter.Mean[3];
        t.Filter.Update([cx, cy, a, h], [StdPosition * ph, StdPosition * ph, 1e-1, StdPosition * ph]);
        t.LastMatchedFrame = _frame;
        t.Score = det.Score;
        t.ClassId = det.ClassId;
        t.DetectionIndex = d;
        if (t.State == State.Lost) t.State = State.Tracked;
    }

    private static double[] ProcessStd(double h) =>
        [StdPosition * h, StdPosition * h, 1e-2, StdPosition * h, StdVelocity * h, StdVelocity * h, 1e-5, StdVelocity * h];

    private static (List<(Track, int)> Matches, List<Track> UnmatchedTracks, List<int> UnmatchedDetections) Associate(
        List<Track> tracks, List<int> detIndices, IReadOnlyList<TrackerInput> detections, double minIou)
    {
        var cost = BoxState.IouDistance(tracks.Select(t => t.Box).ToList(), tracks.Select(t => t.ClassId).ToList(),
            detIndices.Select(i => detections[i].Box).ToList(), detIndices.Select(i => detections[i].ClassId).ToList());
        var pairs = LinearAssignment.SolveWithLimit(cost, 1 - minIou);
        var matchedT = new bool[tracks.Count];
        var matchedD = new bool[detIndices.Count];
        var matches = new List<(Track, int)>(pairs.Count);
        foreach (var (r, c) in pairs)
        {
            matchedT[r] = true; matchedD[c] = true;
            matches.Add((tracks[r], detIndices[c]));
        }
        return (matches, tracks.Where((_, i) => !matchedT[i]).ToList(), detIndices.Where((_, i) => !matchedD[i]).ToList());
    }

    // A lost track and a tracked one on the same spot (IoU > 0.85): keep the older, as ByteTrack's remove_duplicate_stracks.
    private void RemoveDuplicates()
    {
        var tracked = _tracks.Where(t => t.State == State.Tracked).ToList();
        var lost = _tracks.Where(t => t.State == State.Lost).ToList();
        var drop = new HashSet<Track>();
        foreach (var a in tracked)
            foreach (var b in lost)
            {
                if (BoxXyxy.IoU(a.Box, b.Box) <= 0.85) continue;
                drop.Add(_frame - a.StartFrame > _frame - b.StartFrame ? b : a);
            }
        foreach (var t in drop)
        {
            if (t.Id > 0) _ended.Add(t.Id);
            _tracks.Remove(t);
        }
    }
}
