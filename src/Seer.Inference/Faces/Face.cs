using Seer.Core.Geometry;

namespace Seer.Inference.Faces;

/// <summary>A point in original-image pixels.</summary>
public readonly record struct FacePoint(double X, double Y);

/// <summary>
/// One face: its box and detector score, the five alignment points in image pixels (image-left eye, image-right eye,
/// nose tip, image-left and image-right mouth corners: ArcFace's order), the 68 points when a landmark model ran,
/// its quality, its L2-normalised embedding (when the bundle has an embedding model) and, on request, the 112×112
/// aligned crop (JPEG).
/// </summary>
public sealed record Face(BoxXyxy Box, float Score, IReadOnlyList<FacePoint> Landmarks, FaceQuality Quality)
{
    public IReadOnlyList<FacePoint>? Landmarks68 { get; init; }
    public float[]? Embedding { get; init; }
    public byte[]? AlignedJpeg { get; init; }
    /// <summary>The 2×3 similarity transform (row-major) from image pixels to the 112×112 aligned crop.</summary>
    public double[] Alignment { get; init; } = [];
}

/// <summary>
/// Quality of a face in [0, 1] (<see cref="Score"/> = size × sharpness × pose × brightness) and its parts: <see
/// cref="Size"/> the box's shorter side in pixels, <see cref="Sharpness"/> the variance of the Laplacian of the aligned
/// grey crop, <see cref="Yaw"/>/<see cref="Pitch"/>/<see cref="Roll"/> in degrees estimated from the five points,
/// <see cref="Brightness"/> the mean grey level of the aligned crop's centre (0..255).
/// </summary>
public sealed record FaceQuality(double Score, double Size, double Sharpness, double Yaw, double Pitch, double Roll, double Brightness);

/// <summary>What <see cref="FacePipeline.Detect(Processing.EncodedImage, FaceOptions?)"/> computes.</summary>
public sealed record FaceOptions
{
    /// <summary>Detector score threshold (null: the bundle's).</summary>
    public float? ScoreThreshold { get; init; }
    /// <summary>Faces whose box's shorter side is below this many pixels are dropped (default 0).</summary>
    public double MinFaceSize { get; init; }
    /// <summary>Compute embeddings when the bundle has an embedding model (default true).</summary>
    public bool IncludeEmbedding { get; init; } = true;
    /// <summary>Return the aligned 112×112 crops as JPEG (default false).</summary>
    public bool IncludeAligned { get; init; }
}
