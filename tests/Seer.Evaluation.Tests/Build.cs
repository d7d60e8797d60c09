using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;

namespace Seer.Evaluation.Tests;

/// <summary>Small helpers to write hand-built detection cases.</summary>
internal static class Build
{
    public static ObjectAnnotation Gt(string label, double x, double y, double w, double h, bool crowd = false, bool difficult = false, double? area = null) =>
        new(label, BoxXyxy.FromXywh(x, y, w, h)) { IsCrowd = crowd, Difficult = difficult, Area = area };

    public static ObjectAnnotation Det(string label, double x, double y, double w, double h, double score) =>
        new(label, BoxXyxy.FromXywh(x, y, w, h)) { Score = score, Source = AnnotationSource.Predicted };

    public static ImageRecord Image(int i, params ObjectAnnotation[] objects) =>
        new($"{i:x64}", $"img{i}.jpg", 640, 480) { IsLabelled = true, Objects = objects };

    public static IReadOnlyList<IReadOnlyList<ObjectAnnotation>> Preds(params ObjectAnnotation[][] perImage) => perImage;

    /// <summary>A temp folder deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("seer-eval-").FullName;
        public string Write(string name, string text)
        {
            string p = System.IO.Path.Combine(Path, name);
            File.WriteAllText(p, text);
            return p;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
