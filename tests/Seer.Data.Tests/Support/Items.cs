using Seer.Core.Annotations;
using Seer.Core.Geometry;
using Seer.Core.Interchange;
using Seer.Data.Import;

namespace Seer.Data.Tests.Support;

/// <summary>Builds ImportReads from bytes in memory, as an importer would, and runs them through the pipeline.</summary>
public static class Items
{
    public static ImportItem Image(string name, byte[] bytes, params (string Label, BoxXyxy Box)[] objects) =>
        new(name, () => new MemoryStream(bytes, writable: false), "src/" + name)
        {
            IsLabelled = objects.Length > 0,
            Objects = objects.Select(o => new ObjectAnnotation(o.Label, o.Box)).ToList(),
        };

    public static ImportItem Labelled(string name, byte[] bytes, params (string Label, BoxXyxy Box)[] objects) =>
        Image(name, bytes, objects) with { IsLabelled = true };

    public static ImportItem Tagged(string name, byte[] bytes, string tag) =>
        new(name, () => new MemoryStream(bytes, writable: false), "src/" + name) { IsLabelled = true, Tags = [tag] };

    public static ImportRead Read(params ImportItem[] items) => new(items, []);

    public static Task<ImportResult> ImportAsync(this Workspace ws, string dataset, params ImportItem[] items) =>
        new ImportPipeline(ws).RunAsync(Read(items), new ImportRequest(dataset), null, CancellationToken.None);

    public static Task<ImportResult> ImportAsync(this Workspace ws, ImportRequest request, params ImportItem[] items) =>
        new ImportPipeline(ws).RunAsync(Read(items), request, null, CancellationToken.None);

    public static BoxXyxy Box(double x1, double y1, double x2, double y2) => new(x1, y1, x2, y2);
}
