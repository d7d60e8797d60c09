using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Browse;
using Seer.Evaluation;
using Seer.Hosting.Access;
using Seer.Hosting.Models;
using Seer.Inference.Processing;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>
/// The image page's data: one image of a version by index, and a served model's predictions on it matched to the
/// ground truth (per-object TP / FP / FN at a score and IoU threshold through Seer.Evaluation; for a classifier, the
/// top classes and whether the first is the tag).
/// </summary>
public static class BrowseEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var ds = api.MapGroup("/datasets").WithTags("datasets");
        ds.MapGet("/{reference}/images/{index:int}", (string reference, int index, Workspace ws, ImageBrowser browser, HttpContext http, ResourceAccess access) =>
        {
            DatasetEndpoints.Demand(reference, ws, http, access);
            var (page, image) = One(reference, index, browser);
            return Results.Ok(new { dataset = page.Dataset, version = page.Version, classes = ws.Metadata.ReadClasses(page.Version), total = page.Total, image = Row(image) });
        });
        ds.MapGet("/{reference}/images/{index:int}/predictions", (string reference, int index, string model, double? threshold, double? iou,
            Workspace ws, ImageBrowser browser, ModelCatalog catalog, HttpContext http, ResourceAccess access) =>
        {
            DatasetEndpoints.Demand(reference, ws, http, access);
            access.DemandServed(catalog, model, http.User.Caller());
            double score = threshold ?? 0.25, overlap = iou ?? 0.5;
            if (score is < 0 or > 1) throw new SeerException(ErrorCodes.InvalidInput, $"threshold {score} is outside 0..1", "threshold");
            if (overlap is <= 0 or > 1) throw new SeerException(ErrorCodes.InvalidInput, $"iou {overlap} is outside (0, 1]", "iou");
            var (_, browsed) = One(reference, index, browser);
            var image = browsed.Image;
            byte[] bytes;
            using (var s = ws.Blobs.OpenRead(image.ContentHash))
            using (var m = new MemoryStream())
            {
                s.CopyTo(m);
                bytes = m.ToArray();
            }
            // Every detection from a low floor is kept so the page can show the ones below the chosen score as such.
            var predictor = catalog.Predictor(model, (float)Math.Min(score, 0.05));
            var prediction = predictor.Predict(new EncodedImage(image.FileName, bytes));
            if (predictor.Spec.Task == "classify")
            {
                string? truth = image.Tags.Count == 1 ? image.Tags[0] : null;
                string? top = prediction.Classes.Count > 0 ? prediction.Classes[0].Label : null;
                return Results.Ok(new
                {
                    model, task = "classify", threshold = score, iou = overlap,
                    truth = image.Tags,
                    classes = prediction.Classes.Select(c => new { label = c.Label, score = c.Score }),
                    correct = truth is null || top is null ? (bool?)null : truth == top,
                });
            }
            var predictions = prediction.Detections
                .Select(d => new ObjectAnnotation(d.Label, d.Box) { Score = d.Score, Source = AnnotationSource.Predicted }).ToList();
            var matches = DetectionEvaluator.MatchObjects(image, predictions, score, overlap);
            return Results.Ok(new
            {
                model, task = predictor.Spec.Task, threshold = score, iou = overlap,
                truth = image.Objects.Select((o, i) => new { label = o.Label, box = Box(o), status = Status(matches.Truth[i]), matched = matches.TruthMatchedTo[i] }),
                predictions = predictions.Select((o, i) => new
                {
                    label = o.Label, box = Box(o), score = o.Score, status = Status(matches.Predictions[i]), matched = matches.PredictionMatchedTo[i],
                }),
                counts = new
                {
                    tp = matches.Predictions.Count(s => s == MatchStatus.TruePositive),
                    fp = matches.Predictions.Count(s => s == MatchStatus.FalsePositive),
                    fn = matches.Truth.Count(s => s == MatchStatus.FalseNegative),
                },
            });
        });
    }

    private static (ImagePage Page, BrowsedImage Image) One(string reference, int index, ImageBrowser browser)
    {
        if (index < 0) throw new SeerException(ErrorCodes.InvalidInput, $"image index {index} is negative", "index");
        var page = browser.Query(DatasetRef.Parse(reference), new ImageQuery { Offset = index, Limit = 1 });
        if (page.Images.Count == 0)
            throw new SeerException(ErrorCodes.NotFound, $"{page.Dataset}@{page.Version[..10]} has {page.Total} images; there is no image {index}", reference);
        return (page, page.Images[0]);
    }

    internal static Dictionary<string, object?> Row(BrowsedImage b)
    {
        var i = b.Image;
        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["index"] = b.Index,
            ["hash"] = i.ContentHash,
            ["file_name"] = i.FileName,
            ["width"] = i.Width,
            ["height"] = i.Height,
            ["labelled"] = i.IsLabelled,
            ["tags"] = i.Tags,
            ["objects"] = i.Objects.Select(o => new { label = o.Label, box = Box(o), score = o.Score, source = o.Source.ToString().ToLowerInvariant() }).ToList(),
            ["box_count"] = b.Objects,
        };
        foreach (var (name, value) in b.Fields) row[name] = value;
        return row;
    }

    private static double[] Box(ObjectAnnotation o) => [o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2];

    private static string Status(MatchStatus s) => s switch
    {
        MatchStatus.TruePositive => "tp",
        MatchStatus.FalsePositive => "fp",
        MatchStatus.FalseNegative => "fn",
        MatchStatus.Ignored => "ignored",
        MatchStatus.BelowThreshold => "below",
        _ => "none",
    };
}
