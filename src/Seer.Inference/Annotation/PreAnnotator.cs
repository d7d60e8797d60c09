using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Progress;
using Seer.Inference.Processing;

namespace Seer.Inference.Annotation;

/// <summary>
/// Pre-annotation: runs a model over a dataset version and returns its images with the predictions as annotations,
/// marked <see cref="AnnotationSource.Predicted"/> with their scores, so labellers correct instead of draw. Detectors
/// give objects; classifiers give the top class as the image's tag (score in the attribute <c>predicted_score</c>).
/// The earlier annotations of each image are replaced; the caller stores the records as a new version.
/// </summary>
public static class PreAnnotator
{
    public const string ScoreAttribute = "predicted_score";

    public static Task<IReadOnlyList<ImageRecord>> AnnotateAsync(DatasetSnapshot snapshot, Predictor predictor,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(predictor);
        if (predictor.Spec.Task == "embed")
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidInput,
                $"model '{predictor.Model.Path}' computes feature vectors; pre-annotation needs a detector or a classifier");
        return Task.Run<IReadOnlyList<ImageRecord>>(() =>
        {
            var results = new List<ImageRecord>(snapshot.Images.Count);
            foreach (var (record, prediction) in SnapshotPredictions.Run(snapshot, predictor, cancellationToken))
            {
                results.Add(ToRecord(record, prediction, predictor.Spec.Task));
                progress?.Report(new WorkProgress("pre-annotate", results.Count, snapshot.Images.Count));
            }
            return results;
        }, cancellationToken);
    }

    private static ImageRecord ToRecord(ImageRecord record, ImagePrediction prediction, string task)
    {
        if (task == "classify")
        {
            var best = prediction.Classes[0];
            var attributes = new Dictionary<string, string>(record.Attributes)
            {
                [ScoreAttribute] = best.Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            };
            return record with { IsLabelled = true, Tags = [best.Label], Objects = [], Attributes = attributes };
        }
        var objects = prediction.Detections.Select(d => new ObjectAnnotation(d.Label, d.Box)
        {
            Score = d.Score,
            Source = AnnotationSource.Predicted,
        }).ToList();
        return record with { IsLabelled = true, Objects = objects, Tags = [] };
    }
}
