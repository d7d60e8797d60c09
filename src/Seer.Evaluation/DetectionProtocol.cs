namespace Seer.Evaluation;

/// <summary>How detections are scored against ground truth.</summary>
public enum DetectionProtocol
{
    /// <summary>
    /// COCO box evaluation exactly as pycocotools' COCOeval computes it: IoU thresholds .50:.05:.95, 101-point
    /// interpolated precision, maxDets 1/10/100 per (image, category), crowd regions and area ranges.
    /// </summary>
    Coco = 0,

    /// <summary>PASCAL VOC 2007: AP at IoU &gt; 0.5 with 11-point interpolation; difficult (and crowd) objects ignored.</summary>
    Voc07 = 1,

    /// <summary>PASCAL VOC 2010-2012: AP at IoU &gt; 0.5, all-point (area under the monotone PR curve); difficult ignored.</summary>
    Voc12 = 2,
}
