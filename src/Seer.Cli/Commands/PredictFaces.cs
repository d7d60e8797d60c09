using Seer.Inference;
using Seer.Inference.Faces;
using Seer.Inference.Processing;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer predict BUNDLE.face.json IMAGES...</c>: the face pipeline over images. JSON: one entry per face, COCO
/// results' keys (<c>image_id</c>, <c>file_name</c>, <c>category_id</c> 1, <c>category_name</c> "face", <c>bbox</c>,
/// <c>score</c>) plus <c>landmarks</c> (five [x, y]), <c>quality</c> and, when the bundle has an embedding model,
/// <c>embedding</c>.
/// </summary>
internal static class PredictFaces
{
    public static void Run(string bundle, IReadOnlyList<string> files, IReadOnlyList<string> names, float? threshold, string? outDir,
        bool json, CancellationToken ct)
    {
        using var pipeline = FacePipeline.Open(bundle);
        var options = new FaceOptions { ScoreThreshold = threshold };
        var results = new List<Dictionary<string, object?>>();
        var table = new Table().AddColumns("image", "size", "faces", "quality (best)");
        for (int i = 0; i < files.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var image = EncodedImage.FromFile(files[i]) with { Name = names[i] };
            using var bgr = OpenCvSharp.Cv2.ImDecode(image.Bytes, OpenCvSharp.ImreadModes.Color);
            if (bgr.Empty())
                throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidInput, $"image '{files[i]}' cannot be decoded", files[i]);
            var faces = pipeline.Detect(bgr, names[i], options);
            foreach (var f in faces)
                results.Add(new Dictionary<string, object?>
                {
                    ["image_id"] = i + 1,
                    ["file_name"] = names[i],
                    ["category_id"] = 1,
                    ["category_name"] = "face",
                    ["bbox"] = new[] { R(f.Box.X1), R(f.Box.Y1), R(f.Box.Width), R(f.Box.Height) },
                    ["score"] = Math.Round(f.Score, 4),
                    ["landmarks"] = f.Landmarks.Select(p => new[] { R(p.X), R(p.Y) }).ToArray(),
                    ["quality"] = QualityJson(f.Quality),
                    ["embedding"] = f.Embedding,
                });
            if (outDir is not null)
            {
                var prediction = new ImagePrediction(names[i], bgr.Width, bgr.Height)
                {
                    Detections = faces.Select(f => new Detection(f.Box, 0, "face", f.Score)).ToList(),
                };
                BoxPainter.DrawTo(image, prediction, Path.Combine(outDir, names[i]));
            }
            table.AddRow(Markup.Escape(names[i]), $"{bgr.Width}x{bgr.Height}", faces.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                faces.Count == 0 ? "-" : faces.Max(f => f.Quality.Score).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        }
        if (json) Output.Json(results);
        else
        {
            AnsiConsole.Write(table);
            if (outDir is not null) AnsiConsole.MarkupLine($"drawn images in [bold]{Markup.Escape(outDir)}[/]");
        }
    }

    /// <summary>The quality as JSON: <c>score</c>, <c>size</c>, <c>sharpness</c>, <c>yaw</c>, <c>pitch</c>, <c>roll</c>, <c>brightness</c>.</summary>
    public static Dictionary<string, double> QualityJson(FaceQuality q) => new()
    {
        ["score"] = Math.Round(q.Score, 4), ["size"] = R(q.Size), ["sharpness"] = R(q.Sharpness), ["yaw"] = R(q.Yaw),
        ["pitch"] = R(q.Pitch), ["roll"] = R(q.Roll), ["brightness"] = R(q.Brightness),
    };

    private static double R(double v) => Math.Round(v, 2);
}
