namespace Seer.Evaluation;

/// <summary>
/// The raw (not interpolated) precision-recall curve of one class at IoU 0.5: one point per scored detection that
/// is not ignored, in descending score order, with the score at which that point is reached. For COCO the points
/// follow COCOeval's matching (area "all", 100 detections per image and class); for VOC, the VOC matching.
/// </summary>
public sealed record PrCurve(
    string Class, IReadOnlyList<double> Recall, IReadOnlyList<double> Precision, IReadOnlyList<double> Scores);
