using Seer.Core.Geometry;

namespace Seer.Video.Tracking;

/// <summary>One detection handed to a tracker: box in source pixels, detector score, class index.</summary>
public readonly record struct TrackerInput(BoxXyxy Box, float Score, int ClassId = 0);

/// <summary>
/// A confirmed track's state in one frame: its id (from 1, stable over the track's life), the filtered box, the score
/// and class of the detection it matched, and that detection's index in the frame's input list.
/// </summary>
public readonly record struct TrackedObject(int TrackId, BoxXyxy Box, float Score, int ClassId, int DetectionIndex);

/// <summary>A multi-object tracker fed one frame's detections at a time.</summary>
public interface IMultiObjectTracker
{
    /// <summary>Advances one frame: returns the confirmed tracks matched in this frame.</summary>
    IReadOnlyList<TrackedObject> Update(IReadOnlyList<TrackerInput> detections);

    /// <summary>Ids of confirmed tracks that ended (were removed) in the last <see cref="Update"/>.</summary>
    IReadOnlyList<int> Ended { get; }
}

/// <summary>Box conversions shared by the trackers' motion models.</summary>
internal static class BoxState
{
    /// <summary>Centre x, centre y, aspect (w/h), height.</summary>
    public static (double Cx, double Cy, double A, double H) ToXyah(BoxXyxy b) =>
        (b.CenterX, b.CenterY, b.Width / Math.Max(b.Height, 1e-6), b.Height);

    public static BoxXyxy FromXyah(double cx, double cy, double a, double h)
    {
        h = Math.Max(h, 1e-3);
        double w = Math.Max(a, 1e-6) * h;
        return new BoxXyxy(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    /// <summary>IoU distance matrix (1 − IoU); pairs of different classes cost 1 (never matched).</summary>
    public static double[,] IouDistance(IReadOnlyList<BoxXyxy> tracks, IReadOnlyList<int> trackClasses,
        IReadOnlyList<BoxXyxy> dets, IReadOnlyList<int> detClasses)
    {
        var d = new double[tracks.Count, dets.Count];
        for (int i = 0; i < tracks.Count; i++)
            for (int j = 0; j < dets.Count; j++)
                d[i, j] = trackClasses[i] == detClasses[j] ? 1 - BoxXyxy.IoU(tracks[i], dets[j]) : 1.0;
        return d;
    }
}
