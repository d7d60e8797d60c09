using System.Diagnostics;
using System.Text.Json;
using OpenCvSharp;

namespace Seer.Cli.Tests.ActiveLearning;

/// <summary>
/// A temporary workspace for the mining and iteration tests, with the built CLI run as a child process and a small
/// real image set: three classes of drawn shapes (red squares, green discs, blue bars) on noisy backgrounds, written
/// as class folders (labelled) and as a flat folder (the unlabelled pool) whose labelled copy is the oracle.
/// </summary>
public sealed class LoopWorkspace : IDisposable
{
    public static readonly string[] Classes = ["red", "green", "blue"];

    public string Home { get; } = Path.Combine(Path.GetTempPath(), "seer-loop-" + Guid.NewGuid().ToString("N"));

    public string Files => Path.Combine(Home, "files");

    /// <summary>Writes train/val (class folders), pool (flat) and oracle (class folders of the pool's images) and imports them.</summary>
    public async Task ImportShapesAsync(int train = 24, int val = 18, int pool = 60)
    {
        Write("train", 0, train, classFolders: true);
        Write("val", 1000, val, classFolders: true);
        Write("pool", 2000, pool, classFolders: false);
        Write("oracle", 2000, pool, classFolders: true);
        foreach (var name in new[] { "train", "val", "pool", "oracle" })
        {
            var r = await RunAsync("dataset", "import", Path.Combine(Files, name), "--format", "folders", "--name", name, "--json");
            Assert.True(r.Code == 0, r.Stderr);
        }
    }

    /// <summary>The training settings file of the tests: a narrow network, two batches per epoch.</summary>
    public string TinyParams()
    {
        string path = Path.Combine(Home, "tiny.json");
        File.WriteAllText(path, """{"width": 8, "maxBatchesPerEpoch": 2, "threads": 1, "prefetch": 1}""");
        return path;
    }

    private void Write(string set, int offset, int count, bool classFolders)
    {
        for (int i = 0; i < count; i++)
        {
            int cls = i % Classes.Length;
            string dir = classFolders ? Path.Combine(Files, set, Classes[cls]) : Path.Combine(Files, set);
            Directory.CreateDirectory(dir);
            using var image = Shape(cls, offset + i);
            Cv2.ImWrite(Path.Combine(dir, $"img{offset + i:D5}.png"), image);
        }
    }

    /// <summary>One 32x32 image of class <paramref name="cls"/>, drawn at a seeded position over seeded noise.</summary>
    public static Mat Shape(int cls, int seed)
    {
        var rng = new Random(seed);
        var noise = new byte[32 * 32 * 3];
        rng.NextBytes(noise);
        for (int k = 0; k < noise.Length; k++) noise[k] = (byte)(noise[k] / 3);
        using var wrapped = Mat.FromPixelData(32, 32, MatType.CV_8UC3, noise);
        var m = wrapped.Clone();
        int x = rng.Next(2, 14), y = rng.Next(2, 14);
        switch (cls)
        {
            case 0: Cv2.Rectangle(m, new Rect(x, y, 14, 14), new OpenCvSharp.Scalar(30, 30, 230), -1); break;
            case 1: Cv2.Circle(m, new Point(x + 8, y + 8), 7, new OpenCvSharp.Scalar(40, 220, 40), -1); break;
            default: Cv2.Rectangle(m, new Rect(x, y, 16, 6), new OpenCvSharp.Scalar(230, 60, 30), -1); break;
        }
        return m;
    }

    public Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        CliProcess.RunAsync(Home, TimeSpan.FromMinutes(4), args);

    /// <summary>Starts the CLI with stdout and stderr redirected (the caller reads them).</summary>
    public Process Start(params string[] args) => CliProcess.Start(Home, args);

    public static JsonElement Json(string stdout)
    {
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.Clone();
    }

    public void Dispose()
    {
        if (Directory.Exists(Home)) Directory.Delete(Home, recursive: true);
    }
}
