using Seer.Core.Errors;
using Seer.Core.Interchange;

namespace Seer.Formats;

/// <summary>Every annotation format Seer reads and writes, by the name the CLI uses.</summary>
public static class FormatRegistry
{
    private static readonly IReadOnlyDictionary<string, IDatasetImporter> Importers = new IDatasetImporter[]
    {
        new Voc.VocImporter(),
        new Coco.CocoImporter(),
        new Yolo.YoloImporter(),
        new Folders.FoldersImporter(),
        new LabelMe.LabelMeImporter(),
        new Idx.IdxImporter(),
        new Cvat.CvatImporter(),
        new LabelStudio.LabelStudioImporter(),
    }.ToDictionary(i => i.Format, StringComparer.OrdinalIgnoreCase);

    private static readonly IReadOnlyDictionary<string, IDatasetExporter> Exporters = new IDatasetExporter[]
    {
        new Voc.VocExporter(),
        new Coco.CocoExporter(),
        new Yolo.YoloExporter(),
        new Folders.FoldersExporter(),
        new LabelMe.LabelMeExporter(),
        new Idx.IdxExporter(),
        new Cvat.CvatExporter(),
        new LabelStudio.LabelStudioExporter(),
    }.ToDictionary(e => e.Format, StringComparer.OrdinalIgnoreCase);

    /// <summary>Format names, in the order the CLI lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = Importers.Keys.Union(Exporters.Keys).ToList();

    /// <summary>The importer of a format; unknown names throw a <see cref="SeerException"/> listing the known ones.</summary>
    public static IDatasetImporter GetImporter(string format) =>
        Importers.TryGetValue(format ?? "", out var importer) ? importer : throw Unknown(format);

    /// <summary>The exporter of a format; unknown names throw a <see cref="SeerException"/> listing the known ones.</summary>
    public static IDatasetExporter GetExporter(string format) =>
        Exporters.TryGetValue(format ?? "", out var exporter) ? exporter : throw Unknown(format);

    private static SeerException Unknown(string? format) => new(ErrorCodes.InvalidOptions,
        $"unknown format '{format}'; known formats: {string.Join(", ", Names)}");
}
