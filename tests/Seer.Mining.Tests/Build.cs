using Seer.Core.Geometry;
using Seer.Mining.Inputs;

namespace Seer.Mining.Tests;

/// <summary>Constructs candidates for the tests.</summary>
internal static class Build
{
    public static MiningCandidate Classified(string id, params float[] probabilities) =>
        new(Hash(id), id + ".png", ModelOutput.Classifier(probabilities));

    public static MiningCandidate WithFeatures(string id, float[] features, params float[] probabilities) =>
        new(Hash(id), id + ".png", ModelOutput.Classifier(probabilities, features));

    public static MiningCandidate Detected(string id, params (int Cls, float Score)[] detections) =>
        new(Hash(id), id + ".jpg", ModelOutput.Detector(detections
            .Select((d, i) => new ScoredDetection(new BoxXyxy(10 * i, 10, 10 * i + 8, 18), d.Cls, d.Score)).ToList()));

    public static string Hash(string id) => id.PadLeft(64, '0');
}
