using System.Globalization;
using System.Text;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Video.Tracking;

namespace Seer.Video.Mot;

/// <summary>
/// MOTChallenge text files: detections <c>frame,-1,x,y,w,h,score,...</c>, ground truth <c>frame,id,x,y,w,h,flag,...</c>
/// (a 7th column of 0 marks a box to ignore, as MOT16/17's gt.txt) and tracker results
/// <c>frame,id,x,y,w,h,score,-1,-1,-1</c>; frames numbered from 1, boxes in pixels (x, y = top-left corner).
/// </summary>
public static class MotFile
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Reads every row; bad lines throw <see cref="SeerException"/> naming the file and line.</summary>
    public static List<MotRow> Read(string path, bool groundTruth = false)
    {
        if (!File.Exists(path)) throw new SeerException(ErrorCodes.NotFound, $"MOT file '{path}' does not exist", path);
        var rows = new List<MotRow>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split(',', StringSplitOptions.TrimEntries);
            if (f.Length < 6)
                throw new SeerException(ErrorCodes.InvalidInput, $"{path}:{lineNo}: expected at least 6 comma-separated values (frame,id,x,y,w,h,...), got {f.Length}", path);
            double Num(int i, string what)
            {
                if (!double.TryParse(f[i], NumberStyles.Float, Inv, out double v) || !double.IsFinite(v))
                    throw new SeerException(ErrorCodes.InvalidInput, $"{path}:{lineNo}: {what} '{f[i]}' is not a finite number", path);
                return v;
            }
            double frame = Num(0, "frame"), id = Num(1, "id"), x = Num(2, "x"), y = Num(3, "y"), w = Num(4, "w"), h = Num(5, "h");
            if (frame < 1 || frame != Math.Floor(frame) || frame > int.MaxValue)
                throw new SeerException(ErrorCodes.InvalidInput, $"{path}:{lineNo}: frame must be a whole number >= 1 (was {f[0]})", path);
            if (id != Math.Floor(id)) throw new SeerException(ErrorCodes.InvalidInput, $"{path}:{lineNo}: id must be a whole number (was {f[1]})", path);
            if (w <= 0 || h <= 0) throw new SeerException(ErrorCodes.InvalidInput, $"{path}:{lineNo}: width and height must be > 0 (were {f[4]}, {f[5]})", path);
            float score = f.Length > 6 ? (float)Num(6, "score") : 1f;
            if (groundTruth && f.Length > 6 && score == 0) continue; // MOT gt: flag 0 = not considered
            rows.Add(new MotRow((int)frame, (int)id, BoxXyxy.FromXywh(x, y, w, h), score));
        }
        return rows;
    }

    /// <summary>Formats one result line: <c>frame,id,x,y,w,h,score,-1,-1,-1</c>.</summary>
    public static string FormatResult(int frame, int id, BoxXyxy box, float score) =>
        string.Create(Inv, $"{frame},{id},{box.X1:0.##},{box.Y1:0.##},{box.Width:0.##},{box.Height:0.##},{score:0.####},-1,-1,-1");

    /// <summary>Writes rows as a result file through a temporary sibling renamed into place (never half-written).</summary>
    public static void WriteResults(string path, IEnumerable<MotRow> rows)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir))
            throw new SeerException(ErrorCodes.NotFound, $"output folder '{dir}' does not exist", path);
        string tmp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false)))
                foreach (var r in rows) w.WriteLine(FormatResult(r.Frame, r.Id, r.Box, r.Score));
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}

/// <summary>Result of <see cref="MotTracking.Run"/>.</summary>
public sealed record MotTrackSummary(int Frames, int Detections, int Tracks, int Boxes);

/// <summary>
/// Runs a tracker over MOTChallenge detections frame by frame (frames without detections still advance it) — the code
/// path of <c>seer video track</c> and of bench/TrackBench.
/// </summary>
public static class MotTracking
{
    public static (List<MotRow> Results, MotTrackSummary Summary) Run(IReadOnlyList<MotRow> detections, IMultiObjectTracker tracker, int? lastFrame = null)
    {
        var byFrame = detections.GroupBy(d => d.Frame).ToDictionary(g => g.Key, g => g.ToList());
        int frames = Math.Max(lastFrame ?? 0, byFrame.Count == 0 ? 0 : byFrame.Keys.Max());
        var results = new List<MotRow>();
        var ids = new HashSet<int>();
        for (int f = 1; f <= frames; f++)
        {
            var dets = byFrame.TryGetValue(f, out var list) ? list : [];
            var inputs = dets.Select(d => new TrackerInput(d.Box, d.Score)).ToList();
            foreach (var t in tracker.Update(inputs))
            {
                results.Add(new MotRow(f, t.TrackId, t.Box, t.Score));
                ids.Add(t.TrackId);
            }
        }
        return (results, new MotTrackSummary(frames, detections.Count, ids.Count, results.Count));
    }

    /// <summary>
    /// Fills the gaps of each track (frames in which it was lost and later re-found, at most <paramref name="maxGap"/>
    /// frames) with boxes interpolated linearly between the boxes before and after the gap, scored with the lower of
    /// the two — ByteTrack's offline post-processing for its MOTChallenge results. Returns rows sorted by frame then id.
    /// </summary>
    public static List<MotRow> Interpolate(IReadOnlyList<MotRow> rows, int maxGap)
    {
        var result = new List<MotRow>(rows);
        foreach (var track in rows.GroupBy(r => r.Id))
        {
            var seq = track.OrderBy(r => r.Frame).ToList();
            for (int k = 1; k < seq.Count; k++)
            {
                var (a, b) = (seq[k - 1], seq[k]);
                int gap = b.Frame - a.Frame - 1;
                if (gap < 1 || gap > maxGap) continue;
                for (int f = a.Frame + 1; f < b.Frame; f++)
                {
                    double t = (double)(f - a.Frame) / (b.Frame - a.Frame);
                    var box = new BoxXyxy(a.Box.X1 + t * (b.Box.X1 - a.Box.X1), a.Box.Y1 + t * (b.Box.Y1 - a.Box.Y1),
                        a.Box.X2 + t * (b.Box.X2 - a.Box.X2), a.Box.Y2 + t * (b.Box.Y2 - a.Box.Y2));
                    result.Add(new MotRow(f, a.Id, box, Math.Min(a.Score, b.Score)));
                }
            }
        }
        result.Sort((x, y) => x.Frame != y.Frame ? x.Frame.CompareTo(y.Frame) : x.Id.CompareTo(y.Id));
        return result;
    }

    /// <summary>
    /// The CLI's whole job: read detections, track with ByteTracker at the given frame rate (lost buffer 2 s), fill the
    /// gaps of re-found tracks by interpolation (unless <paramref name="interpolate"/> is false), write results.
    /// </summary>
    public static MotTrackSummary RunFiles(string detectionsPath, string outPath, double fps, bool interpolate = true)
    {
        if (!(fps > 0) || !double.IsFinite(fps)) throw new SeerException(ErrorCodes.InvalidOptions, $"--fps must be > 0 (was {fps})");
        var dets = MotFile.Read(detectionsPath);
        var options = ByteTrackerOptions.ForFrameRate(fps);
        var (results, summary) = Run(dets, new ByteTracker(options));
        if (interpolate)
        {
            results = Interpolate(results, options.MaxLostFrames);
            summary = summary with { Boxes = results.Count };
        }
        MotFile.WriteResults(outPath, results);
        return summary;
    }
}
