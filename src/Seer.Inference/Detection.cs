using Seer.Core.Geometry;

namespace Seer.Inference;

/// <summary>One detected object: box in original-image pixels, class index into the model's class names, its name, score.</summary>
public sealed record Detection(BoxXyxy Box, int ClassId, string Label, float Score);
