using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Storage;
using Seer.Data.Labels;
using Seer.Data.Metadata;
using Seer.Data.Postgres;
using Seer.Data.Storage;
using Seer.Data.Versions;

namespace Seer.Data;

/// <summary>
/// A Seer workspace folder: <c>seer.db</c> (SQLite metadata: label space, datasets, versions, images) and
/// <c>blobs/</c> (content-addressed image bytes). Open it, read versions as <see cref="DatasetSnapshot"/>s, and
/// write new immutable versions with <see cref="CommitVersion"/> (or the import pipeline and operations, which
/// call it). Dispose to close the database.
/// </summary>
public sealed class Workspace : IDisposable
{
    private Workspace(string home, IMetadataStore metadata, IBlobStore blobs)
    {
        Home = home;
        Metadata = metadata;
        Blobs = blobs;
    }

    /// <summary>
    /// Opens (creating when needed) the workspace in <paramref name="home"/>, with its blobs where <c>SEER_BLOBS</c>
    /// says (unset: <c>home/blobs</c>) and its metadata where <c>SEER_DB</c> says (unset: <c>home/seer.db</c>).
    /// </summary>
    public static Workspace Open(string home) =>
        Open(home, BlobStoreLocation.FromEnvironment(), Environment.GetEnvironmentVariable(PostgresDatabase.Variable));

    /// <summary>
    /// Opens the workspace in <paramref name="home"/> with its blobs in the S3 location <paramref name="blobs"/>, or
    /// in <c>home/blobs</c> when it is null; metadata in <c>home/seer.db</c>.
    /// </summary>
    public static Workspace Open(string home, BlobStoreLocation? blobs) => Open(home, blobs, null);

    /// <summary>
    /// Opens the workspace in <paramref name="home"/> with its blobs in <paramref name="blobs"/> (null: files in
    /// <c>home/blobs</c>) and its metadata in the PostgreSQL database <paramref name="database"/>
    /// (<c>postgres://USER:PASS@HOST:PORT/DB</c>; null or empty: SQLite in <c>home/seer.db</c>). The folder is
    /// created and used in every case (local caches, the stores that stay in SQLite).
    /// </summary>
    public static Workspace Open(string home, BlobStoreLocation? blobs, string? database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        home = Path.GetFullPath(home);
        if (File.Exists(home))
            throw new SeerException(ErrorCodes.InvalidInput, $"workspace {home} is a file, not a folder; point --home (or SEER_HOME) at a folder", home);
        try
        {
            Directory.CreateDirectory(home);
            // Refuse an unwritable workspace up front instead of failing half-way through the first write.
            string probe = Path.Combine(home, $".write-probe-{Environment.ProcessId}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"workspace folder {home} is not writable: {ex.Message}", home, ex);
        }
        catch (IOException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"cannot create the workspace folder {home}: {ex.Message}", home, ex);
        }
        IBlobStore store;
        if (blobs is null)
        {
            var files = new FileBlobStore(Path.Combine(home, "blobs"));
            files.CleanAbandonedTemp();
            store = files;
        }
        else
        {
            var s3 = new S3BlobStore(blobs) { CacheRoot = BlobCacheRoot(home) };
            try
            {
                s3.Probe();
            }
            catch
            {
                s3.Dispose();
                throw;
            }
            store = s3;
        }
        IMetadataStore metadata;
        try
        {
            metadata = string.IsNullOrWhiteSpace(database)
                ? new SqliteMetadataStore(Path.Combine(home, "seer.db"))
                : OpenPostgres(home, database);
        }
        catch
        {
            (store as IDisposable)?.Dispose();
            throw;
        }
        return new Workspace(home, metadata, store);
    }

    /// <summary>Variable naming the folder that keeps local copies of S3 blobs (<c>none</c>: no copies).</summary>
    public const string BlobCacheVariable = "SEER_BLOB_CACHE";

    /// <summary>
    /// Where a workspace on S3 keeps local copies of the blobs it reads: SEER_BLOB_CACHE, else HOME/blob-cache; null
    /// when SEER_BLOB_CACHE is <c>none</c>.
    /// </summary>
    public static string? BlobCacheRoot(string home)
    {
        string? value = Environment.GetEnvironmentVariable(BlobCacheVariable);
        if (string.Equals(value?.Trim(), "none", StringComparison.OrdinalIgnoreCase)) return null;
        return string.IsNullOrWhiteSpace(value) ? Path.Combine(home, "blob-cache") : Path.GetFullPath(value);
    }

    /// <summary>
    /// The metadata in PostgreSQL. The local seer.db keeps the data plane's (empty) schema, because the stores that
    /// stay in SQLite (the data browser's index, projects) create their tables beside it.
    /// </summary>
    private static PostgresMetadataStore OpenPostgres(string home, string database)
    {
        using (new SqliteMetadataStore(Path.Combine(home, "seer.db"))) { }
        return new PostgresMetadataStore(new PostgresDatabase(database), ownsDatabase: true);
    }

    public string Home { get; }

    public IMetadataStore Metadata { get; }

    /// <summary>The blob store holding image bytes: files under <c>home/blobs</c> or an S3 bucket.</summary>
    public IBlobStore Blobs { get; }

    /// <summary>Starts a batch of blob puts (import, synthesis) on whichever store the workspace uses.</summary>
    internal IBlobBatch BeginBlobBatch() => Blobs switch
    {
        FileBlobStore files => files.BeginBatch(),
        S3BlobStore s3 => s3.BeginBatch(),
        _ => throw new InvalidOperationException($"no batch for blob store {Blobs.GetType().Name}"),
    };

    /// <summary>The label space as it is now.</summary>
    public LabelSpace Labels => Metadata.ReadLabelSpace();

    /// <summary>Adds an alias to the label space: <paramref name="alias"/> now means <paramref name="canonical"/>.</summary>
    /// <summary>
    /// Adds an alias: <paramref name="alias"/> is read as <paramref name="canonical"/> from now on (every later import
    /// and commit). The target must be an existing label. An alias whose name is itself a label in use (dog → cat with
    /// "dog" a label) renames that label in every later import: it needs <paramref name="confirmRelabel"/> (CLI
    /// <c>seer dataset labels --alias dog=cat --confirm-relabel</c>; API: an admin with <c>"confirm": true</c>), and
    /// each import it affects reports it.
    /// </summary>
    public void AddAlias(string alias, string canonical, bool confirmRelabel = false)
    {
        ValidateLabel(alias);
        ValidateLabel(canonical);
        if (alias == canonical) throw new SeerException(ErrorCodes.InvalidInput, $"alias '{alias}' would map a label to itself");
        var space = Labels;
        if (!space.Contains(canonical))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"alias '{alias}' → '{canonical}' refused: '{canonical}' is not a label in the workspace's label space; an alias points to an existing label", canonical);
        if (space.Contains(alias) && !confirmRelabel)
            throw new SeerException(ErrorCodes.Conflict,
                $"alias '{alias}' → '{canonical}' renames the label '{alias}', which is in use: every later import turns '{alias}' into '{canonical}'. " +
                "Confirm it explicitly (seer dataset labels --alias ... --confirm-relabel; API: \"confirm\": true, admins only)", alias);
        Metadata.AddAlias(alias, canonical);
    }

    /// <summary>Whether an alias named <paramref name="alias"/> would rename a label in use.</summary>
    public bool IsLabelInUse(string alias) => Labels.Contains(alias);

    public IReadOnlyList<DatasetSummary> ListDatasets() => Metadata.ListDatasets();

    /// <summary>Finds the version a reference names: the head for NAME, or the unique id with that prefix for NAME@ID.</summary>
    public DatasetVersionInfo Resolve(DatasetRef reference)
    {
        string? head = Metadata.FindHead(reference.Name);
        if (head is null)
        {
            var names = Metadata.ListDatasets().Select(d => d.Name).ToList();
            string known = names.Count == 0 ? "the workspace has no datasets yet (seer dataset import)" : "datasets: " + string.Join(", ", names);
            throw new SeerException(ErrorCodes.NotFound, $"dataset '{reference.Name}' does not exist in {Home}; {known}", reference.ToString());
        }
        if (reference.Version is null) return Metadata.GetVersion(head)!;
        var matches = Metadata.FindVersionsByPrefix(reference.Name, reference.Version);
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new SeerException(ErrorCodes.NotFound,
                $"dataset '{reference.Name}' has no version '{reference.Version}'; see seer dataset log {reference.Name}", reference.ToString()),
            _ => throw new SeerException(ErrorCodes.InvalidInput,
                $"version prefix '{reference.Version}' of '{reference.Name}' is ambiguous ({matches.Count} versions); give more characters",
                reference.ToString()),
        };
    }

    /// <summary>Opens a version for reading: its images, annotations and class list, and the blobs.</summary>
    public DatasetSnapshot OpenSnapshot(DatasetRef reference)
    {
        var info = Resolve(reference);
        return new DatasetSnapshot(info.Dataset, info.Version, Metadata.ReadClasses(info.Version),
            Metadata.ReadImages(info.Version), Blobs);
    }

    /// <summary>The version a reference names and all its ancestors (across datasets), newest first.</summary>
    public IReadOnlyList<DatasetVersionInfo> Log(DatasetRef reference)
    {
        var start = Resolve(reference);
        var seen = new HashSet<string>(StringComparer.Ordinal) { start.Version };
        var queue = new Queue<DatasetVersionInfo>([start]);
        var all = new List<DatasetVersionInfo>();
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            all.Add(v);
            foreach (var p in v.Parents)
                if (seen.Add(p) && Metadata.GetVersion(p) is { } parent) queue.Enqueue(parent);
        }
        return all.OrderByDescending(v => v.CreatedAt).ThenBy(v => v.Version, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Writes a new immutable version of <paramref name="dataset"/> from image records whose bytes are already in
    /// the blob store (pre-annotation, mining and every operation use this). Labels are mapped through the label
    /// space's aliases; labels it does not know are added. <paramref name="classes"/> defaults to the parents'
    /// classes followed by any new label in order of appearance. Committing identical content with the same
    /// parents and operation returns the existing version.
    /// </summary>
    public CommitResult CommitVersion(string dataset, IReadOnlyList<ImageRecord> images, IReadOnlyList<string> parents,
        string operation, object? parameters, IReadOnlyList<string>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(parents);
        var space = Labels;
        var added = new List<string>();
        string Canon(string label)
        {
            string? c = space.Resolve(label);
            if (c is not null) return c;
            ValidateLabel(label);
            if (!added.Contains(label, StringComparer.Ordinal)) added.Add(label);
            return label;
        }
        var mapped = images.Select(i => Canonicalise(i, Canon)).ToList();
        var parentClasses = new List<string>();
        foreach (var p in parents)
        {
            if (Metadata.GetVersion(p) is null)
                throw new SeerException(ErrorCodes.NotFound, $"parent version {p} does not exist", p);
            parentClasses.AddRange(Metadata.ReadClasses(p));
        }
        var finalClasses = Distinct((classes ?? parentClasses).Select(Canon)).ToList();
        if (classes is null) finalClasses = Distinct(finalClasses.Concat(mapped.SelectMany(UsedLabels))).ToList();
        return CommitCore(dataset, mapped, parents, operation, parameters, finalClasses, added, new Dictionary<string, string>());
    }

    internal CommitResult CommitCore(string dataset, IReadOnlyList<ImageRecord> images, IReadOnlyList<string> parents,
        string operation, object? parameters, IReadOnlyList<string> classes, IReadOnlyList<string> newLabels,
        IReadOnlyDictionary<string, string> newAliases, bool skipWhenHeadHasSameContent = false)
    {
        ValidateDatasetName(dataset);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            if (!names.Add(image.FileName))
                throw new SeerException(ErrorCodes.InvalidInput, $"version would hold two images named '{image.FileName}'", image.FileName);
            if (!Blobs.Exists(image.ContentHash))
                throw new SeerException(ErrorCodes.NotFound,
                    $"image '{image.FileName}' refers to blob {image.ContentHash}, which is not in the blob store; store its bytes first", image.FileName);
        }
        string parametersJson = JsonSerializer.Serialize(parameters ?? new Dictionary<string, object>(), ParameterJson);
        string digest = VersionIds.ContentDigest(images, classes);
        if (skipWhenHeadHasSameContent && Metadata.FindHead(dataset) is { } head && Metadata.GetContentDigest(head) == digest
            && newLabels.Count == 0 && newAliases.Count == 0)
            return new CommitResult(Metadata.GetVersion(head)!, Created: false);
        string id = VersionIds.VersionId(dataset, parents, operation, parametersJson, digest);
        var existing = Metadata.GetVersion(id);
        if (existing is not null && existing.Dataset != dataset)
            throw new SeerException(ErrorCodes.Conflict, $"version {id} belongs to dataset '{existing.Dataset}'");
        bool created = Metadata.Commit(new VersionCommit(dataset, id, digest, parents, operation, parametersJson, classes,
            images, newLabels, newAliases, DateTimeOffset.UtcNow));
        return new CommitResult(Metadata.GetVersion(id)!, created);
    }

    public void Dispose()
    {
        Metadata.Dispose();
        (Blobs as IDisposable)?.Dispose();
    }

    internal static readonly JsonSerializerOptions ParameterJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    internal static ImageRecord Canonicalise(ImageRecord image, Func<string, string> canon)
    {
        bool changed = false;
        var tags = image.Tags.Select(t => { var c = canon(t); changed |= c != t; return c; }).ToList();
        var objects = image.Objects.Select(o =>
        {
            var c = canon(o.Label);
            if (c == o.Label) return o;
            changed = true;
            return o with { Label = c };
        }).ToList();
        return changed ? image with { Tags = Distinct(tags).ToList(), Objects = objects } : image;
    }

    internal static IEnumerable<string> UsedLabels(ImageRecord image) =>
        image.Tags.Concat(image.Objects.Select(o => o.Label));

    internal static IEnumerable<string> Distinct(IEnumerable<string> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in items)
            if (seen.Add(i)) yield return i;
    }

    internal static void ValidateLabel(string label)
    {
        if (string.IsNullOrWhiteSpace(label) || label.Length > 200 || label.Any(char.IsControl))
            throw new SeerException(ErrorCodes.InvalidInput, $"'{label}' is not a usable label name (empty, control characters or over 200 characters)");
    }

    /// <summary>Dataset names: 1–100 characters, no '@', '/', '\\', whitespace or control characters.</summary>
    public static void ValidateDatasetName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100 || name.Any(c => c is '@' or '/' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"'{name}' is not a valid dataset name: use 1-100 characters without '@', '/', '\\' or spaces", name);
    }
}
