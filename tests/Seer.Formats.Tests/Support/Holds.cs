namespace Seer.Formats.Tests.Support;

/// <summary>What a target format holds, for round-trip comparisons.</summary>
[Flags]
public enum Holds
{
    None = 0,
    Boxes = 1,
    Polygons = 2,
    Crowd = 4,
    DifficultTruncated = 8,
    Area = 16,
    ObjectAttributes = 32,
    BooleanObjectAttributes = 64,
    ImageAttributes = 128,
    Tags = 256,
    Unlabelled = 512,
    Score = 1024,
}
