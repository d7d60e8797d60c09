using System.Globalization;
using Seer.Core.Datasets;

namespace Seer.Formats.Handoff;

/// <summary>
/// A classifier's pre-annotation of an unlabelled image: image attributes <c>predicted_label</c> and
/// <c>predicted_score</c> (what <c>seer mine --pre-annotate</c> stores). Tasks carry it as a predicted tag/choice.
/// </summary>
public static class PredictedTag
{
    public const string LabelAttribute = "predicted_label";
    public const string ScoreAttribute = "predicted_score";

    public static bool TryGet(ImageRecord image, out string label, out double? score)
    {
        ArgumentNullException.ThrowIfNull(image);
        score = null;
        if (image.IsLabelled || !image.Attributes.TryGetValue(LabelAttribute, out var l) || string.IsNullOrEmpty(l))
        {
            label = "";
            return false;
        }
        label = l;
        if (image.Attributes.TryGetValue(ScoreAttribute, out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            score = v;
        return true;
    }

    public static Dictionary<string, string> Attributes(string label, double? score)
    {
        var a = new Dictionary<string, string>(StringComparer.Ordinal) { [LabelAttribute] = label };
        if (score is { } s) a[ScoreAttribute] = s.ToString("R", CultureInfo.InvariantCulture);
        return a;
    }
}
