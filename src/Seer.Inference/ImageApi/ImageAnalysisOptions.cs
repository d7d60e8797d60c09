using Seer.Core.Errors;

namespace Seer.Inference.ImageApi;

/// <summary>What <see cref="ImageAnalyzer"/> returns besides boxes, and which objects it drops.</summary>
public sealed record ImageAnalysisOptions
{
    /// <summary>Return each object's crop as encoded bytes (default false).</summary>
    public bool IncludeCrops { get; init; }
    /// <summary>Encoding of crops: ".jpg" or ".png" (default ".jpg").</summary>
    public string CropFormat { get; init; } = ".jpg";
    /// <summary>Run the attribute classifiers on each object's crop (default true when any are configured).</summary>
    public bool IncludeAttributes { get; init; } = true;
    /// <summary>Compute a feature vector per object with the feature model (default true when one is configured).</summary>
    public bool IncludeFeatures { get; init; } = true;
    /// <summary>Objects whose shorter box side is below this many pixels are dropped (default 0).</summary>
    public double MinBoxSize { get; init; }
    /// <summary>Objects whose crop's variance of Laplacian is below this are dropped (default 0: keep all).</summary>
    public double MinSharpness { get; init; }

    public void Validate()
    {
        if (CropFormat is not (".jpg" or ".png"))
            throw new SeerException(ErrorCodes.InvalidOptions, $"ImageAnalysisOptions.CropFormat must be .jpg or .png (was {CropFormat})");
        if (MinBoxSize < 0 || MinSharpness < 0)
            throw new SeerException(ErrorCodes.InvalidOptions,
                $"ImageAnalysisOptions.MinBoxSize and MinSharpness must be >= 0 (were {MinBoxSize}, {MinSharpness})");
    }
}
