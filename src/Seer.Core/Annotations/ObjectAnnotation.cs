using Seer.Core.Geometry;

namespace Seer.Core.Annotations;

/// <summary>
/// One object in an image: a label and a box in absolute pixels (see <see cref="BoxXyxy"/>), with what the formats
/// carry besides: polygons (COCO segmentation, LabelMe polygons), the crowd flag, VOC's difficult/truncated flags,
/// COCO's area field, free attributes, and a score when a model predicted it.
/// </summary>
public sealed record ObjectAnnotation
{
    public ObjectAnnotation(string label, BoxXyxy box)
    {
        Label = label;
        Box = box;
    }

    /// <summary>Label name (canonical name of the workspace's label space once stored).</summary>
    public string Label { get; init; }

    /// <summary>Bounding box in absolute pixels, continuous coordinates.</summary>
    public BoxXyxy Box { get; init; }

    /// <summary>Polygons in absolute pixels (empty when the source had none).</summary>
    public IReadOnlyList<IReadOnlyList<PointXy>> Polygons { get; init; } = [];

    /// <summary>COCO iscrowd.</summary>
    public bool IsCrowd { get; init; }

    /// <summary>VOC difficult.</summary>
    public bool Difficult { get; init; }

    /// <summary>VOC truncated.</summary>
    public bool Truncated { get; init; }

    /// <summary>COCO's area field when the source gave one (it is not always w*h).</summary>
    public double? Area { get; init; }

    /// <summary>Model confidence for predictions; null for ground truth.</summary>
    public double? Score { get; init; }

    public AnnotationSource Source { get; init; } = AnnotationSource.GroundTruth;

    /// <summary>Free attributes (VOC pose, CVAT attributes, ...).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = EmptyAttributes;

    internal static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>();
}
