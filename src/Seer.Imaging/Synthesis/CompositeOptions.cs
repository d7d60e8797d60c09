namespace Seer.Imaging.Synthesis;

/// <summary>Settings of composite synthesis: output size, objects per image, object size range, JPEG or PNG, seed.</summary>
public sealed record CompositeOptions
{
    public int Width { get; init; } = 256;
    public int Height { get; init; } = 256;
    public int MinObjects { get; init; } = 1;
    public int MaxObjects { get; init; } = 4;

    /// <summary>Pasted item side in pixels, drawn uniformly from [MinSize, MaxSize].</summary>
    public int MinSize { get; init; } = 24;
    public int MaxSize { get; init; } = 96;

    /// <summary>Largest IoU allowed between two pasted objects of one image.</summary>
    public double MaxOverlap { get; init; } = 0.1;

    /// <summary>".png" or ".jpg".</summary>
    public string Encoding { get; init; } = ".png";

    public int Seed { get; init; } = 1;
}
