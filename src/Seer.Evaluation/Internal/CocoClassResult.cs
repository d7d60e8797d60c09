namespace Seer.Evaluation.Internal;

/// <summary>COCOeval's accumulate() output for one category, plus its PR curve at IoU 0.5.</summary>
internal sealed class CocoClassResult
{
    /// <summary>precision[t, r, area, maxDet] flattened as [a][m][t][r]; -1 where COCOeval leaves -1.</summary>
    public required double[] Precision { get; init; }

    /// <summary>recall[t, area, maxDet] flattened as [a][m][t]; -1 where COCOeval leaves -1.</summary>
    public required double[] Recall { get; init; }

    /// <summary>Non-ignored ground truth in area "all".</summary>
    public required int Instances { get; init; }

    public required double[] CurveRecall { get; init; }
    public required double[] CurvePrecision { get; init; }
    public required double[] CurveScores { get; init; }

    public static int PIndex(int a, int m, int t) => ((a * CocoParams.M + m) * CocoParams.T + t) * CocoParams.R;
    public static int RIndex(int a, int m, int t) => (a * CocoParams.M + m) * CocoParams.T + t;
}
