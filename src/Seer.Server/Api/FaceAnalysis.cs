using Seer.Inference.Faces;
using Seer.Inference.Processing;

namespace Seer.Server.Api;

/// <summary>
/// The image API's answer for a served face bundle: the same shape as for a detector (<c>model</c>, <c>threshold</c>,
/// <c>image</c>, <c>objects</c>, <c>dropped_too_small</c>, <c>dropped_blurry</c>), each object a face with
/// <c>landmarks</c> (five [x, y]), <c>quality</c> {score, size, sharpness, yaw, pitch, roll, brightness}, <c>feature</c>
/// (the L2-normalised embedding, when the bundle has an embedding model) and, with crops=true, the 112×112 aligned
/// crop (base64 JPEG). <c>min_sharpness</c> applies to the aligned crop's sharpness.
/// </summary>
internal static class FaceAnalysis
{
    public static object Analyze(FacePipeline pipeline, string model, float threshold, EncodedImage image, double minBoxSize,
        double minSharpness, bool crops)
    {
        using var bgr = OpenCvSharp.Cv2.ImDecode(image.Bytes, OpenCvSharp.ImreadModes.Color);
        if (bgr.Empty())
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidInput, $"image '{image.Name}' cannot be decoded", image.Name);
        var all = pipeline.Detect(bgr, image.Name, new FaceOptions { ScoreThreshold = threshold, IncludeAligned = crops });
        var small = all.Where(f => Math.Min(f.Box.Width, f.Box.Height) < minBoxSize).ToList();
        var blurry = all.Except(small).Where(f => f.Quality.Sharpness < minSharpness).ToList();
        var kept = all.Except(small).Except(blurry).ToList();
        static double R(double v) => Math.Round(v, 2);
        return new
        {
            model,
            threshold,
            image = new { name = image.Name, width = bgr.Width, height = bgr.Height, sharpness = Seer.Inference.ImageApi.Sharpness.Of(image) },
            objects = kept.Select(f => new
            {
                box = new[] { f.Box.X1, f.Box.Y1, f.Box.X2, f.Box.Y2 },
                label = "face",
                score = f.Score,
                sharpness = f.Quality.Sharpness,
                landmarks = f.Landmarks.Select(p => new[] { R(p.X), R(p.Y) }),
                quality = new
                {
                    score = Math.Round(f.Quality.Score, 4), size = R(f.Quality.Size), sharpness = R(f.Quality.Sharpness),
                    yaw = f.Quality.Yaw, pitch = f.Quality.Pitch, roll = f.Quality.Roll, brightness = R(f.Quality.Brightness),
                },
                feature = f.Embedding,
                crop = f.AlignedJpeg is null ? null : Convert.ToBase64String(f.AlignedJpeg),
            }),
            dropped_too_small = small.Count,
            dropped_blurry = blurry.Count,
        };
    }
}
