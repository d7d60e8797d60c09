using Seer.Core.Geometry;
using Seer.Video.Mot;

namespace TrackBench;

/// <summary>
/// Generates a MOT sequence: pedestrians-like boxes (aspect 0.4, heights 60–220 px) walking with slowly varying velocity
/// over a 1280×720 frame, entering and leaving at the sides; ground truth keeps every object while it is in the frame
/// (occluded ones too, as MOTChallenge's gt.txt). Detections add: misses, jitter, low-score true detections (blur and
/// partial occlusion), occlusions of up to <c>maxOcclusionSeconds</c> (weak detections at the edges, none in the middle),
/// crowd occlusion (the farther of two overlapping people gets weak or no detections), and false positives.
/// </summary>
internal static class SyntheticMot
{
    public sealed record Settings
    {
        public int Frames { get; init; } = 750;
        public double Fps { get; init; } = 25;
        public int Width { get; init; } = 1280;
        public int Height { get; init; } = 720;
        public int People { get; init; } = 14;
        public double MissRate { get; init; } = 0.08;
        public double LowScoreRate { get; init; } = 0.15;
        public double JitterFraction { get; init; } = 0.03;
        public double FalsePositivesPerFrame { get; init; } = 1.5;
        public double OcclusionsPerPersonSecond { get; init; } = 1.0 / 8;
        public double MaxOcclusionSeconds { get; init; } = 1.5;
    }

    private sealed class Person
    {
        public int Id;
        public double X, Y, Vx, Vy, H;
        public int OcclusionLeft, OcclusionLength;
        public BoxXyxy Box => new(X - 0.2 * H, Y - H / 2, X + 0.2 * H, Y + H / 2);
    }

    public static (List<MotRow> GroundTruth, List<MotRow> Detections) Generate(int seed, Settings s)
    {
        var rng = new Random(seed);
        var gt = new List<MotRow>();
        var dets = new List<MotRow>();
        var people = new List<Person>();
        int nextId = 1;
        Person Spawn(bool atEdge)
        {
            double h = 60 + rng.NextDouble() * 160;
            double speed = (0.6 + rng.NextDouble() * 2.4) * h / 120; // closer people move faster on screen
            bool left = rng.NextDouble() < 0.5;
            double x = atEdge ? (left ? -0.15 * h : s.Width + 0.15 * h) : rng.NextDouble() * s.Width;
            double vx = atEdge ? (left ? speed : -speed) : (rng.NextDouble() < 0.5 ? speed : -speed);
            return new Person
            {
                Id = nextId++, X = x, Y = s.Height * 0.25 + rng.NextDouble() * s.Height * 0.6, H = h,
                Vx = vx, Vy = (rng.NextDouble() - 0.5) * 0.6,
            };
        }
        for (int i = 0; i < s.People; i++) people.Add(Spawn(atEdge: false));
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        int maxOcc = (int)Math.Round(s.MaxOcclusionSeconds * s.Fps);

        for (int f = 1; f <= s.Frames; f++)
        {
            foreach (var p in people)
            {
                p.Vx += Gauss() * 0.03; p.Vy += Gauss() * 0.02;
                p.Vy = Math.Clamp(p.Vy, -0.8, 0.8);
                p.X += p.Vx; p.Y += p.Vy;
                p.Y = Math.Clamp(p.Y, p.H / 2, s.Height - p.H / 2);
            }
            people.RemoveAll(p => p.X < -0.3 * p.H || p.X > s.Width + 0.3 * p.H);
            while (people.Count < s.People && rng.NextDouble() < 0.1) people.Add(Spawn(atEdge: true));

            foreach (var p in people)
            {
                var box = p.Box;
                var clipped = box.Clip(s.Width, s.Height);
                if (clipped.Area < 0.5 * box.Area) continue; // mostly outside: not annotated
                gt.Add(new MotRow(f, p.Id, clipped, 1));

                // Occlusion events: weak detections for the first and last 3 frames, none in between.
                if (p.OcclusionLeft == 0 && rng.NextDouble() < s.OcclusionsPerPersonSecond / s.Fps)
                    p.OcclusionLeft = p.OcclusionLength = rng.Next(Math.Max(4, maxOcc / 4), maxOcc + 1);
                float? score;
                if (p.OcclusionLeft > 0)
                {
                    int k = p.OcclusionLength - p.OcclusionLeft;
                    p.OcclusionLeft--;
                    bool edge = k < 3 || p.OcclusionLeft < 3;
                    score = edge && rng.NextDouble() < 0.7 ? (float)(0.1 + rng.NextDouble() * 0.35) : null;
                }
                else
                {
                    // Crowd occlusion: a nearer person (lower feet) covering much of this one.
                    double covered = 0;
                    foreach (var q in people)
                    {
                        if (q == p || q.Y + q.H / 2 <= p.Y + p.H / 2) continue;
                        covered = Math.Max(covered, Intersection(q.Box, box) / box.Area);
                    }
                    if (covered > 0.7) score = rng.NextDouble() < 0.5 ? null : (float)(0.1 + rng.NextDouble() * 0.3);
                    else if (covered > 0.3) score = (float)(0.1 + rng.NextDouble() * 0.45);
                    else if (rng.NextDouble() < s.MissRate) score = null;
                    else if (rng.NextDouble() < s.LowScoreRate) score = (float)(0.1 + rng.NextDouble() * 0.4);
                    else score = (float)(0.5 + rng.NextDouble() * 0.45);
                }
                if (score is null) continue;
                double j = s.JitterFraction * clipped.Height;
                var noisy = new BoxXyxy(clipped.X1 + Gauss() * j * 0.4, clipped.Y1 + Gauss() * j, clipped.X2 + Gauss() * j * 0.4, clipped.Y2 + Gauss() * j);
                if (!noisy.IsDegenerate) dets.Add(new MotRow(f, -1, noisy, score.Value));
            }
            // False positives: mostly weak, some confident, never persistent.
            int nFp = Poisson(rng, s.FalsePositivesPerFrame);
            for (int i = 0; i < nFp; i++)
            {
                double h = 40 + rng.NextDouble() * 160, w = h * (0.3 + rng.NextDouble() * 0.4);
                double x = rng.NextDouble() * (s.Width - w), y = rng.NextDouble() * (s.Height - h);
                float score = rng.NextDouble() < 0.8 ? (float)(0.1 + rng.NextDouble() * 0.4) : (float)(0.5 + rng.NextDouble() * 0.25);
                dets.Add(new MotRow(f, -1, new BoxXyxy(x, y, x + w, y + h), score));
            }
        }
        return (gt, dets);
    }

    private static double Intersection(BoxXyxy a, BoxXyxy b)
    {
        double iw = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1), ih = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        return iw > 0 && ih > 0 ? iw * ih : 0;
    }

    private static int Poisson(Random rng, double lambda)
    {
        double l = Math.Exp(-lambda), p = 1;
        int k = 0;
        do { k++; p *= rng.NextDouble(); } while (p > l);
        return k - 1;
    }
}
