namespace Seer.Core.Inference;

/// <summary>How an image is brought to the network's input size.</summary>
public enum ResizeMode
{
    /// <summary>Scale to fit keeping the aspect ratio, pad the rest evenly on both sides (YOLO's letterbox).</summary>
    Letterbox = 0,
    /// <summary>Scale each axis independently to the input size.</summary>
    Stretch = 1,
}
