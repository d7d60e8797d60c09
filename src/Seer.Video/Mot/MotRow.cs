using Seer.Core.Geometry;

namespace Seer.Video.Mot;

/// <summary>One line of a MOTChallenge file: frame (from 1), id (−1 for detections), box in pixels, score.</summary>
public readonly record struct MotRow(int Frame, int Id, BoxXyxy Box, float Score);
