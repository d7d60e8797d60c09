// BlobBench: the blob store backends side by side in one run, on this machine's loopback.
//  1. put and get throughput (MB/s and blobs/s) of N random blobs of S bytes, with P concurrent callers, on
//     FileBlobStore (the embedded default: temp file, fsync, rename) and S3BlobStore (AWSSDK.S3 against s3rver);
//  2. one large blob (multipart on S3) put and get;
//  3. dataset import images/s of the same generated JPEGs into a workspace with metadata in SQLite or PostgreSQL and
//     blobs in files or S3 (all four combinations; SQLite + files is the embedded default, the baseline);
//  4. the metadata commit alone: one version of R image rows (no blobs) into SQLite vs PostgreSQL (binary COPY).
// It prints the load average before and after (other processes on the machine).
// It starts PostgreSQL + s3rver with scripts/services.sh under a temp folder and stops them at the end.
//   dotnet run -c Release --project bench/BlobBench -- [--blobs 2000] [--size 100000] [--parallel 8] [--large-mb 64] [--images 1000] [--rows 20000]
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using OpenCvSharp;
using Seer.Core.Interchange;
using Seer.Core.Storage;
using Seer.Data;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;
using Seer.Data.Import;
using Seer.Data.Metadata;
using Seer.Data.Postgres;
using Seer.Data.Storage;
using Seer.Bench;

int blobs = 2000, size = 100_000, parallel = 8, largeMb = 64, images = 1000, rowCount = 20_000;
for (int i = 0; i < args.Length; i++)
{
    int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
    switch (args[i])
    {
        case "--blobs": blobs = Next(); break;
        case "--size": size = Next(); break;
        case "--parallel": parallel = Next(); break;
        case "--large-mb": largeMb = Next(); break;
        case "--images": images = Next(); break;
        case "--rows": rowCount = Next(); break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}

string root = BenchServices.RepoRoot();
string work = Path.Combine(Path.GetTempPath(), $"seer-blobbench-{Environment.ProcessId}");
Directory.CreateDirectory(work);
string services = Path.Combine(work, "services");
var env = BenchServices.Start(root, services);
try
{
    var s3Base = new Uri(env["SEER_BLOBS"]);
    BlobStoreLocation S3(string prefix) => BlobStoreLocation.Parse($"s3://{s3Base.Host}/{prefix}{s3Base.Query}", "bench", env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]);
    Console.WriteLine($"BlobBench {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; S3 = s3rver 3.7.1 at {s3Base.Query.TrimStart('?')}");
    Console.WriteLine($"{blobs} blobs of {size} bytes, {parallel} concurrent callers; large blob {largeMb} MiB; import of {images} JPEGs; commit of {rowCount} rows");
    Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
    Console.WriteLine();

    var data = Enumerable.Range(0, blobs).Select(i => RandomNumberGenerator.GetBytes(size)).ToArray();
    var rows = new List<string[]>();
    foreach (var backend in new[] { "files", "s3" })
    {
        IBlobStore store = backend == "files" ? new FileBlobStore(Path.Combine(work, "blobs")) : new S3BlobStore(S3("bench-small"));
        var hashes = new string[blobs];
        var put = Stopwatch.StartNew();
        await Parallel.ForAsync(0, blobs, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
            hashes[i] = (await store.PutAsync(new MemoryStream(data[i], writable: false), ct)).Sha256);
        put.Stop();
        long read = 0;
        var get = Stopwatch.StartNew();
        Parallel.For(0, blobs, new ParallelOptions { MaxDegreeOfParallelism = parallel }, i =>
        {
            using var s = store.OpenRead(hashes[i]);
            var buffer = new byte[81920];
            int n; long total = 0;
            while ((n = s.Read(buffer)) > 0) total += n;
            Interlocked.Add(ref read, total);
        });
        get.Stop();
        if (read != (long)blobs * size) throw new InvalidOperationException($"{backend}: read {read} bytes, expected {(long)blobs * size}");

        var large = RandomNumberGenerator.GetBytes(largeMb << 20);
        IBlobStore bigStore = backend == "files" ? store : new S3BlobStore(S3("bench-large"));
        var lput = Stopwatch.StartNew();
        var lp = await bigStore.PutAsync(new MemoryStream(large, writable: false), CancellationToken.None);
        lput.Stop();
        var lget = Stopwatch.StartNew();
        using (var s = bigStore.OpenRead(lp.Sha256)) s.CopyTo(Stream.Null);
        lget.Stop();

        double mb = (double)blobs * size / 1e6;
        rows.Add([backend, $"{blobs / put.Elapsed.TotalSeconds:0}", $"{mb / put.Elapsed.TotalSeconds:0.0}", $"{blobs / get.Elapsed.TotalSeconds:0}",
            $"{mb / get.Elapsed.TotalSeconds:0.0}", $"{large.Length / 1e6 / lput.Elapsed.TotalSeconds:0.0}", $"{large.Length / 1e6 / lget.Elapsed.TotalSeconds:0.0}"]);
        (store as IDisposable)?.Dispose();
        if (!ReferenceEquals(store, bigStore)) (bigStore as IDisposable)?.Dispose();
    }
    Print(["backend", "put blobs/s", "put MB/s", "get blobs/s", "get MB/s", "large put MB/s", "large get MB/s"], rows);
    Console.WriteLine();

    // Import: the same JPEGs through the import pipeline (hash, probe, checks, blob batch, one SQLite commit).
    string jpegs = Path.Combine(work, "jpegs");
    Directory.CreateDirectory(jpegs);
    Parallel.For(0, images, i =>
    {
        var rng = new Random(i);
        int w = 320 + rng.Next(320), h = 240 + rng.Next(240);
        using var mat = new Mat(h, w, MatType.CV_8UC3, new Scalar(rng.Next(256), rng.Next(256), rng.Next(256)));
        for (int k = 0; k < 8; k++)
            Cv2.Circle(mat, new Point(rng.Next(w), rng.Next(h)), 5 + rng.Next(80), new Scalar(rng.Next(256), rng.Next(256), rng.Next(256)), -1);
        using var noise = new Mat(h, w, MatType.CV_8UC3);
        Cv2.Randn(noise, new Scalar(0, 0, 0), new Scalar(12, 12, 12));
        Cv2.Add(mat, noise, mat);
        Cv2.ImEncode(".jpg", mat, out var bytes, new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
        File.WriteAllBytes(Path.Combine(jpegs, $"img{i:000000}.jpg"), bytes);
    });
    var files = Directory.GetFiles(jpegs).Order(StringComparer.Ordinal).ToArray();
    foreach (var f in files) File.ReadAllBytes(f); // page cache warm for both runs
    long jpegBytes = files.Sum(f => new FileInfo(f).Length);
    var importRows = new List<string[]>();
    foreach (var (blobBackend, metadata) in new[] { ("files", "sqlite"), ("s3", "sqlite"), ("files", "postgres"), ("s3", "postgres") })
    {
        string home = Path.Combine(work, $"home-{blobBackend}-{metadata}");
        string? db = metadata == "postgres" ? BenchServices.NewDatabase(env["SEER_DB"], "bench_" + Guid.NewGuid().ToString("N")) : null;
        var sw = Stopwatch.StartNew();
        ImportResult result;
        using (var ws = Workspace.Open(home, blobBackend == "files" ? null : S3($"bench-import-{metadata}"), db))
        {
            var items = files.Select(f => new ImportItem(Path.GetFileName(f), () => File.OpenRead(f), f)).ToList();
            result = await new ImportPipeline(ws).RunAsync(new ImportRead(items, []),
                new ImportRequest("bench") { Format = "folder", Source = "bench" }, null, CancellationToken.None);
        }
        sw.Stop();
        if (result.Images != images || result.Rejected.Count != 0) throw new InvalidOperationException($"{blobBackend}/{metadata}: imported {result.Images}, rejected {result.Rejected.Count}");
        importRows.Add([blobBackend, metadata, $"{sw.Elapsed.TotalSeconds:0.00}", $"{images / sw.Elapsed.TotalSeconds:0}"]);
    }
    Console.WriteLine($"import of {images} JPEGs ({jpegBytes / 1e6:0.0} MB, mean {jpegBytes / images / 1024.0:0} KB):");
    Print(["blobs", "metadata", "seconds", "images/s"], importRows);
    Console.WriteLine();

    // The metadata commit alone: one version of `rowCount` image rows with a box each, straight into the store.
    var records = Enumerable.Range(0, rowCount).Select(i => new ImageRecord(Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i))),
        $"img{i:000000}.jpg", 640, 480) { Objects = [new ObjectAnnotation("car", new BoxXyxy(10, 20, 110, 220))] }).ToList();
    var commitRows = new List<string[]>();
    foreach (var metadata in new[] { "sqlite", "postgres" })
    {
        string? db = metadata == "postgres" ? BenchServices.NewDatabase(env["SEER_DB"], "bench_" + Guid.NewGuid().ToString("N")) : null;
        using var ws = Workspace.Open(Path.Combine(work, "commit-" + metadata), null, db);
        var commit = new VersionCommit("rows", new string('c', 64), "digest", [], "bench", "{}", ["car"], records, ["car"],
            new Dictionary<string, string>(), DateTimeOffset.UtcNow);
        var sw = Stopwatch.StartNew();
        ws.Metadata.Commit(commit);
        sw.Stop();
        var read = Stopwatch.StartNew();
        int back = ws.Metadata.ReadImages(commit.VersionId).Count;
        read.Stop();
        if (back != rowCount) throw new InvalidOperationException($"{metadata}: read {back} rows back");
        commitRows.Add([metadata, $"{sw.Elapsed.TotalSeconds:0.000}", $"{rowCount / sw.Elapsed.TotalSeconds:0}", $"{rowCount / read.Elapsed.TotalSeconds:0}"]);
    }
    Console.WriteLine($"one version of {rowCount} image rows (metadata only):");
    Print(["metadata", "commit s", "rows/s", "read rows/s"], commitRows);
    Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
}
finally
{
    BenchServices.Stop(root, services);
    Directory.Delete(work, recursive: true);
}

static void Print(string[] header, List<string[]> rows)
{
    var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
    Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadLeft(widths[i]))));
    foreach (var r in rows) Console.WriteLine(string.Join("  ", r.Select((c, i) => c.PadLeft(widths[i]))));
}
