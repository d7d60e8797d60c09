using Seer.Training.Engine;

namespace Seer.Training.Data;

/// <summary>
/// Images (normalised NCHW floats) and FCOS targets per location: class index (-1 background), box distances
/// (left, top, right, bottom, pixels) and centerness, all in the detector's location order.
/// </summary>
public sealed record DetectionBatch(float[] Images, int Size, int Count, int[] ClassTargets, float[] BoxTargets, float[] Centerness) : ITrainBatch;
