using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Seer.Tests.Shared;

namespace Seer.Cli.Tests;

/// <summary>
/// <c>seer admin migrate</c> end to end on the test services (scripts/services.sh): a SQLite + files workspace with a
/// dataset of two versions is copied into a fresh PostgreSQL database and an S3 prefix; the dataset commands then give
/// the same answers from PostgreSQL + S3 alone (an empty --home), a second run copies nothing, and another workspace
/// is refused.
/// </summary>
public sealed partial class AdminMigrateCliTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "seer-migrate-" + Guid.NewGuid().ToString("N"));
    private readonly string _empty = Path.Combine(Path.GetTempPath(), "seer-migrate-empty-" + Guid.NewGuid().ToString("N"));
    private readonly string _other = Path.Combine(Path.GetTempPath(), "seer-migrate-other-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _outs = [];

    private static string Voc => Path.Combine(CliProcess.RepoRoot, ".data", "labelme", "bbox_detection", "data_dataset_voc");

    [Fact]
    public async Task Migrate_CopiesTwoVersionsAndTheirBlobs_ThenListShowLogExportAgree_AndASecondRunCopiesNothing()
    {
        var services = ScaleServices.Current;
        string db = ScaleServices.NewDatabase();
        string blobs = services.Blobs.Replace("s3://seer?", $"s3://seer/m{Guid.NewGuid():N}?", StringComparison.Ordinal);
        var keys = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = services.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = services.SecretKey };

        Ok(await Run(_home, null, "dataset", "import", Voc, "--format", "voc", "--name", "voc", "--json"));
        Ok(await Run(_home, null, "dataset", "relabel", "voc", "--map", "person=pedestrian", "--json"));
        var before = await AnswersAsync(_home, null);

        var first = Ok(await Run(_home, keys, "admin", "migrate", "--to", db, "--blobs", blobs, "--json"));
        using (var doc = JsonDocument.Parse(first))
        {
            var r = doc.RootElement;
            Assert.Equal(1, r.GetProperty("datasets").GetInt32());
            Assert.Equal(2, r.GetProperty("versions").GetInt32());
            Assert.Equal(2, r.GetProperty("versions_copied").GetInt32());
            Assert.Equal(3, r.GetProperty("blobs").GetInt32());
            Assert.Equal(3, r.GetProperty("blobs_copied").GetInt32());
            Assert.True(r.GetProperty("bytes_copied").GetInt64() > 0);
            Assert.DoesNotContain(":seer@", r.GetProperty("to").GetString(), StringComparison.Ordinal);
        }

        // The migrated workspace on its own: metadata from PostgreSQL, blobs from S3, an empty folder as --home.
        var env = new Dictionary<string, string>(keys) { ["SEER_DB"] = db, ["SEER_BLOBS"] = blobs };
        var after = await AnswersAsync(_empty, env);
        Assert.Equal(before.Count, after.Count);
        foreach (var (key, value) in before) Assert.Equal(value, after[key]);
        Assert.False(Directory.Exists(Path.Combine(_empty, "blobs")));

        var second = Ok(await Run(_home, keys, "admin", "migrate", "--to", db, "--blobs", blobs, "--json"));
        using (var doc = JsonDocument.Parse(second))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("versions_copied").GetInt32());
            Assert.Equal(0, doc.RootElement.GetProperty("blobs_copied").GetInt32());
            // The stores beside the metadata: counted on both sides, nothing left to copy.
            var tables = doc.RootElement.GetProperty("tables").EnumerateObject().ToList();
            Assert.All(tables, t => Assert.Equal(0, t.Value.GetProperty("copied").GetInt64()));
            Assert.All(tables, t => Assert.Equal(t.Value.GetProperty("source").GetInt64(), t.Value.GetProperty("target").GetInt64()));
        }

        // Another workspace into the same database is refused, and nothing of it is written.
        Ok(await Run(_other, null, "dataset", "import", Voc, "--format", "voc", "--name", "other", "--json"));
        var refused = await Run(_other, keys, "admin", "migrate", "--to", db, "--json");
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("another workspace", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("other", Ok(await Run(_empty, env, "dataset", "list", "--json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_RefusesABadUrlAndAFolderWithoutAWorkspace()
    {
        var bad = await Run(_home, null, "admin", "migrate", "--to", "mysql://u:secret@h/db", "--json");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--to", bad.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", bad.Stderr, StringComparison.Ordinal);
        var none = await Run(_home, null, "admin", "migrate", "--to", "postgres://u:p@127.0.0.1:1/db");
        Assert.NotEqual(0, none.Code);
        Assert.Contains("no seer.db", none.Stderr, StringComparison.Ordinal);
    }

    /// <summary>What the dataset commands say about the workspace (JSON, times to the microsecond) and the exported files' hashes.</summary>
    private async Task<Dictionary<string, string>> AnswersAsync(string home, IReadOnlyDictionary<string, string>? env)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        answers["list"] = Micro(Ok(await Run(home, env, "dataset", "list", "--json")));
        answers["show"] = Micro(Ok(await Run(home, env, "dataset", "show", "voc", "--json")));
        answers["log"] = Micro(Ok(await Run(home, env, "dataset", "log", "voc", "--json")));
        answers["labels"] = Ok(await Run(home, env, "dataset", "labels", "--json"));
        answers["stats"] = Ok(await Run(home, env, "dataset", "stats", "voc", "--json"));
        string parent = JsonDocument.Parse(answers["log"]).RootElement.GetProperty("versions").EnumerateArray().Last().GetProperty("version").GetString()!;
        answers["show-parent"] = Micro(Ok(await Run(home, env, "dataset", "show", $"voc@{parent[..10]}", "--json")));
        string outDir = Path.Combine(Path.GetTempPath(), "seer-migrate-out-" + Guid.NewGuid().ToString("N"));
        _outs.Add(outDir);
        Ok(await Run(home, env, "dataset", "export", "voc", "--format", "coco", "--out", outDir, "--json"));
        foreach (var file in Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            answers["export:" + Path.GetRelativePath(outDir, file)] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        return answers;
    }

    /// <summary>Times to the microsecond: PostgreSQL keeps microseconds, .NET 100 ns ticks (JSON drops trailing zeros).</summary>
    private static string Micro(string json) =>
        Times().Replace(json, m => m.Groups[1].Value + "." + (m.Groups[2].Value + "0000000")[..6]);

    [GeneratedRegex(@"(T\d\d:\d\d:\d\d)(?:\.(\d+))?")]
    private static partial Regex Times();

    private static string Ok((int Code, string Stdout, string Stderr) r)
    {
        Assert.True(r.Code == 0, $"exit {r.Code}: {r.Stderr}\n{r.Stdout}");
        return r.Stdout;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(string home, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var p = CliProcess.Start(home, args, env, []);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (p.ExitCode, await stdout, (await stderr).Trim());
    }

    public void Dispose()
    {
        foreach (var dir in new[] { _home, _empty, _other }.Concat(_outs))
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
