using System.IO.Compression;

namespace Seer.Evaluation.Tests;

/// <summary>Finds the pycocotools fixtures (tests/Seer.Evaluation.Tests/Fixtures/coco-eval) and unpacks gzipped ones.</summary>
internal static class FixtureFiles
{
    public static readonly string[] Names =
    [
        "perfect", "all_miss", "crowd", "area_ranges", "score_ties", "empty_pred_for_some_images",
        "random_small", "random_large", "many_dets", "category_without_gt",
    ];

    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Seer.sln not found above " + AppContext.BaseDirectory);
        return Path.Combine(dir.FullName, "tests", "Seer.Evaluation.Tests", "Fixtures", "coco-eval");
    });

    public static string Dir(string name) => Path.Combine(Root.Value, name);

    /// <summary>Path of a fixture file, decompressing FILE.gz into a temp folder when only that exists.</summary>
    public static string Resolve(string name, string file)
    {
        string path = Path.Combine(Dir(name), file);
        if (File.Exists(path)) return path;
        string gz = path + ".gz";
        string outDir = Path.Combine(Path.GetTempPath(), "seer-eval-fixtures", name);
        Directory.CreateDirectory(outDir);
        string target = Path.Combine(outDir, file);
        lock (Root)
        {
            if (!File.Exists(target))
            {
                string tmp = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
                using (var input = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress))
                using (var output = File.Create(tmp))
                    input.CopyTo(output);
                File.Move(tmp, target, overwrite: true);
            }
        }

        return target;
    }

    public static string Gt(string name) => Resolve(name, "gt.json");
    public static string Pred(string name) => Resolve(name, "pred.json");
    public static string Expected(string name) => Path.Combine(Dir(name), "expected.json");
}
