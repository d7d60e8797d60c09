using Seer.Core.Geometry;
using Seer.Imaging.Preprocess;

namespace Seer.Training.Data;

/// <summary>A letterboxed image with its boxes in canvas pixels and their class indices, plus the letterbox mapping.</summary>
public sealed record DetectionSample(RgbImage Image, BoxXyxy[] Boxes, int[] Classes, LetterboxTransform Transform);
