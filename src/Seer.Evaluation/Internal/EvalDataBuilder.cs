namespace Seer.Evaluation.Internal;

/// <summary>Collects boxes with their (image, class) and groups them into an <see cref="EvalData"/>.</summary>
internal sealed class EvalDataBuilder
{
    private readonly string[] _classes;
    private readonly int _images;
    private GtBox[] _gts = new GtBox[256];
    private long[] _gtKeys = new long[256];
    private int _gtCount;
    private DetBox[] _dets = new DetBox[256];
    private long[] _detKeys = new long[256];
    private int _detCount;

    public EvalDataBuilder(string[] classes, int imageCount)
    {
        _classes = classes;
        _images = imageCount;
    }

    public List<string> Warnings { get; } = [];

    public void AddGt(int image, int cls, in GtBox box)
    {
        if (_gtCount == _gts.Length)
        {
            Array.Resize(ref _gts, _gtCount * 2);
            Array.Resize(ref _gtKeys, _gtCount * 2);
        }

        _gts[_gtCount] = box;
        _gtKeys[_gtCount++] = ((long)cls << 32) | (uint)image;
    }

    public void AddDet(int image, int cls, in DetBox box)
    {
        if (_detCount == _dets.Length)
        {
            Array.Resize(ref _dets, _detCount * 2);
            Array.Resize(ref _detKeys, _detCount * 2);
        }

        _dets[_detCount] = box;
        _detKeys[_detCount++] = ((long)cls << 32) | (uint)image;
    }

    public EvalData Build()
    {
        int k = _classes.Length;
        var gtStart = new int[k][];
        var detStart = new int[k][];
        var gts = Group(_gts, _gtKeys, _gtCount, gtStart);
        var dets = Group(_dets, _detKeys, _detCount, detStart);
        Parallel.For(0, k, c =>
        {
            var start = detStart[c];
            var arr = dets[c];
            for (int i = 0; i < _images; i++)
                SortByScoreStable(arr.AsSpan(start[i], start[i + 1] - start[i]));
        });
        return new EvalData
        {
            Classes = _classes, ImageCount = _images, GtStart = gtStart, Gts = gts,
            DetStart = detStart, Dets = dets, Warnings = Warnings,
        };
    }

    /// <summary>Stable counting sort by (class, image): per class an array in image order, and offsets per image.</summary>
    private T[][] Group<T>(T[] items, long[] keys, int count, int[][] starts)
    {
        int k = _classes.Length;
        for (int c = 0; c < k; c++) starts[c] = new int[_images + 1];
        for (int i = 0; i < count; i++)
        {
            long key = keys[i];
            starts[(int)(key >> 32)][(int)(uint)key + 1]++;
        }

        var result = new T[k][];
        for (int c = 0; c < k; c++)
        {
            var s = starts[c];
            for (int i = 0; i < _images; i++) s[i + 1] += s[i];
            result[c] = new T[s[_images]];
        }

        // Place from the back (keeps input order within a group); starts[c][i + 1] walks down to group i's start.
        for (int i = count - 1; i >= 0; i--)
        {
            long key = keys[i];
            int c = (int)(key >> 32);
            result[c][--starts[c][(int)(uint)key + 1]] = items[i];
        }

        // Now starts[c][i + 1] is the start of group i; shift back so starts[c][i] is.
        for (int c = 0; c < k; c++)
        {
            var s = starts[c];
            for (int i = 0; i < _images; i++) s[i] = s[i + 1];
            s[_images] = result[c].Length;
        }

        return result;
    }

    /// <summary>Descending score, ties in input order (numpy's mergesort on -score).</summary>
    internal static void SortByScoreStable(Span<DetBox> span)
    {
        if (span.Length < 2) return;
        if (span.Length <= 64)
        {
            for (int i = 1; i < span.Length; i++)
            {
                var x = span[i];
                int j = i - 1;
                while (j >= 0 && span[j].Score < x.Score)
                {
                    span[j + 1] = span[j];
                    j--;
                }

                span[j + 1] = x;
            }

            return;
        }

        var order = new int[span.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var copy = span.ToArray();
        Array.Sort(order, (a, b) =>
        {
            int c = copy[b].Score.CompareTo(copy[a].Score);
            return c != 0 ? c : a.CompareTo(b);
        });
        for (int i = 0; i < order.Length; i++) span[i] = copy[order[i]];
    }
}
