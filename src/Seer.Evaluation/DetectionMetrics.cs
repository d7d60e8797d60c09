namespace Seer.Evaluation;

/// <summary>
/// Detection metrics. Under <see cref="DetectionProtocol.Coco"/> the twelve numbers are COCOeval.stats
/// (AP@[.5:.95], AP50, AP75, AP small/medium/large, AR@1/10/100, AR small/medium/large), -1 where pycocotools gives
/// -1 (no ground truth in that area range). Under VOC, <see cref="AP"/> and <see cref="AP50"/> are the VOC mAP at
/// IoU 0.5 and the other ten are -1 (VOC defines no such numbers).
/// </summary>
public sealed record DetectionMetrics
{
    public required DetectionProtocol Protocol { get; init; }
    public required double AP { get; init; }
    public required double AP50 { get; init; }
    public required double AP75 { get; init; }
    public required double APs { get; init; }
    public required double APm { get; init; }
    public required double APl { get; init; }
    public required double AR1 { get; init; }
    public required double AR10 { get; init; }
    public required double AR100 { get; init; }
    public required double ARs { get; init; }
    public required double ARm { get; init; }
    public required double ARl { get; init; }

    /// <summary>Per class name: AP@[.5:.95] for COCO (VOC AP for VOC); -1 when the class has no (non-ignored) ground truth.</summary>
    public required IReadOnlyDictionary<string, double> PerClass { get; init; }

    /// <summary>Per class name: AP at IoU 0.5 (COCO's 101-point AP50, or the VOC AP); -1 as in <see cref="PerClass"/>.</summary>
    public required IReadOnlyDictionary<string, double> PerClassAP50 { get; init; }

    /// <summary>Per class name: number of ground-truth objects that count (not crowd, not difficult for VOC).</summary>
    public required IReadOnlyDictionary<string, int> InstanceCounts { get; init; }

    /// <summary>Mean of <see cref="PerClass"/> over classes with AP &gt; -1, each weighted by its instance count.</summary>
    public required double WeightedAP { get; init; }

    /// <summary>Per class name: the raw PR curve at IoU 0.5.</summary>
    public required IReadOnlyDictionary<string, PrCurve> PrCurves { get; init; }

    public required int ImageCount { get; init; }
    public required int DetectionCount { get; init; }

    /// <summary>Set when a score threshold was asked for.</summary>
    public DetectionCounts? Counts { get; init; }

    /// <summary>Set when a score threshold was asked for.</summary>
    public DetectionConfusionMatrix? ConfusionMatrix { get; init; }

    /// <summary>Input that was evaluated as pycocotools would but deserves a look (e.g. zero-size boxes).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// The JSON `seer eval detection --json` prints: AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl,
    /// per_class; extras: protocol, weighted_AP, per_class_AP50, instances, images, detections, warnings, and
    /// counts / confusion_matrix when a score threshold was given. PR curves are not included (they are large).
    /// </summary>
    public IReadOnlyDictionary<string, object?> ToJson()
    {
        var json = new Dictionary<string, object?>
        {
            ["AP"] = AP, ["AP50"] = AP50, ["AP75"] = AP75,
            ["APs"] = APs, ["APm"] = APm, ["APl"] = APl,
            ["AR1"] = AR1, ["AR10"] = AR10, ["AR100"] = AR100,
            ["ARs"] = ARs, ["ARm"] = ARm, ["ARl"] = ARl,
            ["per_class"] = PerClass,
            ["protocol"] = ProtocolName(Protocol),
            ["weighted_AP"] = WeightedAP,
            ["per_class_AP50"] = PerClassAP50,
            ["instances"] = InstanceCounts,
            ["images"] = ImageCount,
            ["detections"] = DetectionCount,
            ["warnings"] = Warnings,
        };
        if (Counts is not null) json["counts"] = Counts.ToJson();
        if (ConfusionMatrix is not null) json["confusion_matrix"] = ConfusionMatrix.ToJson();
        return json;
    }

    /// <summary>The protocol's name as the CLI spells it: coco, voc07, voc12.</summary>
    public static string ProtocolName(DetectionProtocol protocol) => protocol switch
    {
        DetectionProtocol.Voc07 => "voc07",
        DetectionProtocol.Voc12 => "voc12",
        _ => "coco",
    };
}
