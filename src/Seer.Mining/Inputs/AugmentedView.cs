namespace Seer.Mining.Inputs;

/// <summary>
/// The model's output on an augmented copy of an image (horizontal flip, rescale, ...), with detection boxes already
/// mapped back into the original image's coordinates so they compare box for box with the original's output.
/// </summary>
public sealed record AugmentedView(string Kind, ModelOutput Output);
