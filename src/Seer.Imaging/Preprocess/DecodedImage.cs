using OpenCvSharp;

namespace Seer.Imaging.Preprocess;

/// <summary>
/// A decoded BGR image and the size of the image the file holds. The two differ when a JPEG was decoded at reduced
/// scale (<see cref="ScaledDecoder"/>); geometry (letterbox, box mapping) is always computed from the original size.
/// The caller owns <see cref="Image"/>.
/// </summary>
public readonly record struct DecodedImage(Mat Image, int OriginalWidth, int OriginalHeight);
