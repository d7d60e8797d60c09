using System.IO.Compression;
using Seer.ActiveLearning.Projects;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Data;
using Seer.Data.Import;
using Seer.Formats;
using Seer.Formats.Handoff;
using Seer.Imaging;

namespace Seer.ActiveLearning.Iterations;

/// <summary>
/// A project round waiting on a CVAT / Label Studio hand-off (its label step wrote the picks as a task folder and
/// waits): the package to download (a zip of that folder) and the import of the finished export into the round's
/// labels dataset (<c>PROJECT-labels-rN</c>), after which the round continues. The export is read by the hand-off
/// importers (<see cref="LabellingTasks"/>): a zip with the images, or only the annotations (CVAT for images 1.1 XML,
/// Label Studio JSON, or a zip of them), whose images are then taken from the round's task folder.
/// </summary>
public sealed class HandoffRound
{
    private HandoffRound(Project project, int round, string tool, string taskDirectory, string importInto, string minedVersion)
    {
        Project = project;
        Round = round;
        Tool = tool;
        TaskDirectory = taskDirectory;
        ImportInto = importInto;
        MinedVersion = minedVersion;
    }

    public Project Project { get; }

    public int Round { get; }

    /// <summary>cvat or labelstudio.</summary>
    public string Tool { get; }

    /// <summary>The task folder the label step wrote (images and the tool's task file).</summary>
    public string TaskDirectory { get; }

    /// <summary>The dataset the finished labels go into (PROJECT-labels-rN), which the label step then uses.</summary>
    public string ImportInto { get; }

    /// <summary>The version of the picks (the mine step's output).</summary>
    public string MinedVersion { get; }

    /// <summary>The download's file name, e.g. <c>loop-round-1-cvat-task.zip</c>.</summary>
    public string PackageName => $"{Project.Name}-round-{Round}-{Tool}-task.zip";

    /// <summary>The round of <paramref name="project"/> that waits on a hand-off; otherwise a SeerException saying why not.</summary>
    public static HandoffRound Find(ProjectStore store, Project project, int round)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(project);
        var record = store.Iterations(project.Id).FirstOrDefault(r => r.Round == round)
            ?? throw new SeerException(ErrorCodes.NotFound, $"project '{project.Name}' has no round {round}");
        var label = record.Step(IterationStep.Label);
        string? dir = label?.Get("task_dir");
        if (record.State != IterationRecord.Waiting || label?.State != StepRecord.Waiting || dir is null)
            throw new SeerException(ErrorCodes.Conflict,
                $"round {round} of project '{project.Name}' is not waiting on a CVAT / Label Studio hand-off (round {record.State}" +
                (label?.Get("tool") == "seer" ? ", labelled in a Seer labelling task" : label is null ? ", not at its label step yet" : $", label step {label.State}") + ")");
        if (!Directory.Exists(dir))
            throw new SeerException(ErrorCodes.NotFound, $"the task folder of round {round} of project '{project.Name}' is gone: {dir}", dir);
        string mined = record.Step(IterationStep.Mine)?.Get("version")
            ?? throw new SeerException(ErrorCodes.InvalidInput, $"round {round} of project '{project.Name}' recorded no mined version");
        return new HandoffRound(project, round, label.Get("tool")!, dir, label.Get("import_into")!, mined);
    }

    /// <summary>Writes the task folder as a zip (paths relative to the folder: images/…, annotations.xml or tasks.json).</summary>
    public void WritePackage(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (string file in Directory.EnumerateFiles(TaskDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(TaskDirectory, file).Replace(Path.DirectorySeparatorChar, '/');
            // images are already compressed; the task file is text
            var level = ImageProbe.HasImageExtension(name) ? CompressionLevel.NoCompression : CompressionLevel.Optimal;
            using var entry = zip.CreateEntry(name, level).Open();
            using var input = File.OpenRead(file);
            input.CopyTo(entry);
        }
    }

    /// <summary>
    /// Imports the finished export at <paramref name="upload"/> (a .zip, or the tool's .xml / .json file) into
    /// <see cref="ImportInto"/> as one new version (format <c>TOOL-task</c>). Refused, writing nothing, when it labels
    /// none of the round's picks (matched by file name).
    /// </summary>
    public async Task<ImportResult> ImportAsync(Workspace workspace, string upload, string uploadName, IProgress<Core.Progress.WorkProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(upload);
        string extension = Path.GetExtension(uploadName).ToLowerInvariant();
        string taskFile = Tool == "cvat" ? Formats.Cvat.CvatExporter.AnnotationPath : Formats.LabelStudio.LabelStudioExporter.TasksPath;
        string expected = Tool == "cvat" ? ".xml" : ".json";
        string? staging = null;
        IFileSource top;
        if (extension == ".zip") top = FileSources.Open(upload, cancellationToken);
        else if (extension == expected)
        {
            // the tool's annotations alone: staged under the name the hand-off importer looks for
            staging = Directory.CreateTempSubdirectory("seer-handoff-").FullName;
            File.Copy(upload, Path.Combine(staging, taskFile));
            top = FileSources.Open(staging, cancellationToken);
        }
        else
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{uploadName}: round {Round} was handed to {ToolName}; upload its export as {(Tool == "cvat" ? "CVAT for images 1.1 XML (annotations.xml)" : "Label Studio JSON")} or a .zip", uploadName);
        IFileSource source = top;
        try
        {
            if (!top.Files.Any(ImageProbe.HasImageExtension)) source = WithTaskImages(top, taskFile);
            var read = await FileSources.ReadAsync(LabellingTasks.Importer(Tool), source, new ImportOptions(), cancellationToken).ConfigureAwait(false);
            // read once to check the export belongs to this round before anything is written
            var items = read.Items.ToList();
            var picked = workspace.Metadata.ReadImages(MinedVersion).Select(i => i.FileName).ToHashSet(StringComparer.Ordinal);
            int labelled = items.Count(i => i.IsLabelled && picked.Contains(i.FileName));
            if (labelled == 0)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{uploadName}: labels none of the {picked.Count} images picked in round {Round} of project '{Project.Name}' " +
                    $"({items.Count} images read, {items.Count(i => i.IsLabelled)} labelled{(read.Rejected.IsEmpty ? "" : $", {read.Rejected.Count} rejected: {read.Rejected.First().Reason}")}); " +
                    "is it the finished export of this round's task?", uploadName);
            var checkedRead = new ImportRead(items, read.DeclaredClasses);
            foreach (var issue in read.Rejected) checkedRead.Rejected.Enqueue(issue);
            foreach (var issue in read.Warnings) checkedRead.Warnings.Enqueue(issue);
            var request = new ImportRequest(ImportInto) { Format = Tool + "-task", Source = uploadName };
            return await new ImportPipeline(workspace).RunAsync(checkedRead, request, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!ReferenceEquals(source, top)) source.Dispose();
            top.Dispose();
            if (staging is not null) Directory.Delete(staging, recursive: true);
        }
    }

    private string ToolName => Tool == "cvat" ? "CVAT" : "Label Studio";

    /// <summary>The upload's files with the task folder's images beside its task file (where the importers look for them).</summary>
    private WithImages WithTaskImages(IFileSource top, string taskFile)
    {
        string? file = top.Files.Where(f => f[(f.LastIndexOf('/') + 1)..].Equals(taskFile, StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f.Count(c => c == '/')).FirstOrDefault();
        if (file is null && Tool == "labelstudio")
        {
            var jsons = top.Files.Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).ToList();
            if (jsons.Count == 1) file = jsons[0];
        }
        string prefix = file is null || !file.Contains('/', StringComparison.Ordinal) ? "" : file[..file.LastIndexOf('/')];
        return new WithImages(top, FileSources.Open(TaskDirectory), prefix);
    }

    /// <summary>A source of the upload plus the task folder's image files, mounted under <paramref name="prefix"/>.</summary>
    private sealed class WithImages(IFileSource top, IFileSource images, string prefix) : IFileSource
    {
        private readonly Dictionary<string, string> _images = images.Files.Where(ImageProbe.HasImageExtension)
            .ToDictionary(f => prefix.Length == 0 ? f : prefix + "/" + f, f => f, StringComparer.Ordinal);

        public string Origin => top.Origin;

        public IReadOnlyList<string> Files { get; } = top.Files.Concat(images.Files.Where(ImageProbe.HasImageExtension)
            .Select(f => prefix.Length == 0 ? f : prefix + "/" + f)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        public IReadOnlyList<ItemIssue> Skipped => top.Skipped;

        public bool Exists(string relativePath) => top.Exists(relativePath) || _images.ContainsKey(relativePath);

        public Stream Open(string relativePath) => top.Exists(relativePath) ? top.Open(relativePath) : images.Open(Inner(relativePath));

        public long Length(string relativePath) => top.Exists(relativePath) ? top.Length(relativePath) : images.Length(Inner(relativePath));

        public string Display(string relativePath) => top.Exists(relativePath) ? top.Display(relativePath) : images.Display(Inner(relativePath));

        private string Inner(string relativePath) => _images.TryGetValue(relativePath, out var inner) ? inner
            : throw new SeerException(ErrorCodes.NotFound, $"{relativePath} is neither in the upload nor in the round's task folder", relativePath);

        public void Dispose() => images.Dispose();
    }
}
