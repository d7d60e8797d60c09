using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seer.Tests.BadInput;

namespace Seer.Server.Tests.BadInput;

/// <summary>
/// The CLI's bad-input suite (<see cref="BadInputCases"/>, one set of cases) replayed through the server
/// (<see cref="ServerReplay"/>), one server for all cases (<see cref="BadInputServer"/>): each case's input is built
/// under the workspace's imports/ folder and sent as the requests that do the same thing (by path, and as an upload
/// where the source is a .zip). Every answer is below 500; where the CLI fails, the server answers 4xx naming the
/// reason, or — when the problem is only found while the job runs — the job ends failed with the same reason; where
/// the CLI rejects a file, the job succeeds and its log names the file and the reason. No error answer, job error or
/// job log carries a stack trace or (for a member) an absolute server path, no upload is left behind, and the
/// workspace is intact after every case (the same check as the CLI suite's).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BadInputServerTests(BadInputServer server) : IClassFixture<BadInputServer>
{
    private static readonly bool Root = Environment.UserName == "root";

    /// <summary>Where the server's answer legitimately differs from the CLI's, and why.</summary>
    private static readonly Dictionary<string, (Expect Expect, string Why)> Differs = new()
    {
        // The in-process server runs as this test's user: as root, permissions do not keep it out (the CLI suite drops them).
        ["unreadable-folder-reported"] = (Root ? new Expect.Ok() : new Expect.Rejected("locked", "permission denied"), "root reads everything"),
        ["unreadable-image-reported"] = (Root ? new Expect.Ok() : new Expect.Rejected("secret.png", "denied"), "root reads everything"),
        // The server's import has no --verify / --map / --max-pixels: the keys are refused by name.
        ["verify-decode-corrupt-jpeg-middle"] = (new Expect.Error(2, "verify", "verify"), "the server import has no decode check"),
        ["verify-decode-whole-jpegs-pass"] = (new Expect.Error(2, "verify", "verify"), "the server import has no decode check"),
        ["import-bad-verify"] = (new Expect.Error(2, "verify", "verify"), "no such key on the server"),
        ["import-bad-map"] = (new Expect.Error(2, "map", "map"), "no such key on the server"),
        ["import-negative-max-pixels"] = (new Expect.Error(2, "max_pixels", "max_pixels"), "no such key on the server"),
        // Server paths are confined to HOME/imports, HOME/exports and the admin's folders.
        ["source-missing"] = (new Expect.Error(3, "nothing", "does not exist"), "same"),
        ["export-out-proc"] = (new Expect.Error(2, "/proc/x", "outside the folders"), "exports are confined"),
        ["export-out-is-a-file"] = (new Expect.Error(4, "out", "already exists"), "409: exports write a new folder"),
        ["path-over-4096-bytes"] = (new Expect.Error(3, "bbbb", "not_found"), "the path policy answers 404 for a path that does not exist"),
        ["train-params-malformed"] = (new Expect.Error(2, "parameters", "malformed JSON"), "the params file is the job's body: the answer names its place"),
        ["search-compare-nan"] = (new Expect.Error(2, "first vector", "NaN"), "the vectors are the body's \"a\" and \"b\", named so"),
        ["predict-corrupt-image"] = (new Expect.Error(2, "bad.png", "not a readable image"), "the image API reads the header first"),
    };

    public static TheoryData<string> Names() => new(BadInputCases.All.Select(c => c.Name).Where(n => !ServerReplay.CliOnly.ContainsKey(n)));

    [Fact]
    public void MostCasesAreReplayed_AndEveryOtherIsNamedWithAReason()
    {
        var names = BadInputCases.All.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(ServerReplay.CliOnly, c =>
        {
            Assert.Contains(c.Key, names);
            Assert.False(string.IsNullOrWhiteSpace(c.Value));
        });
        Assert.All(Differs.Keys, k => Assert.Contains(k, names));
        Assert.True(names.Count - ServerReplay.CliOnly.Count >= 60, $"{names.Count - ServerReplay.CliOnly.Count} cases replayed through the server");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task BadInput_ThroughTheServer_Answers4xxOrFailsItsJobCleanly_Never500(string name)
    {
        var bad = BadInputCases.All.Single(c => c.Name == name);
        var host = server.Host;
        // The input is built inside the workspace's imports/ folder, where a member's server-side paths may point.
        var dir = new CaseDir(Path.Combine(server.Home, "imports", name), server.Fixture);
        Directory.CreateDirectory(dir.Root);
        try
        {
            string[] args = bad.Build(dir);
            var expect = Differs.TryGetValue(name, out var differs) ? differs.Expect : bad.Expect;
            foreach (var replay in ServerReplay.Requests(args, server.Home))
            {
                var client = replay.AsAdmin ? host.Admin() : host.Member();
                using var request = replay.Request();
                var response = await client.SendAsync(request);
                string body = await response.Content.ReadAsStringAsync();
                string context = $"case {name} ({replay.Label}): {(int)response.StatusCode}\n{CaseWorkspace.Cut(body)}";
                Assert.True((int)response.StatusCode < 500, context);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    long id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
                    var job = await FinalAsync(host, client, id);
                    string logs = await client.GetStringAsync($"/api/jobs/{id}/logs");
                    context += $"\njob: {job}\nlogs: {CaseWorkspace.Cut(logs)}";
                    CheckClean((job.TryGetProperty("error", out var e) ? e.ToString() : "") + logs, replay.AsAdmin, context);
                    CheckJob(expect, job, logs, replay.Upload, context);
                }
                else
                {
                    CheckClean(body, replay.AsAdmin, context);
                    CheckAnswer(expect, (int)response.StatusCode, body, context);
                }
            }
            CaseWorkspace.CheckIntact(server.Fixture, server.Home, $"case {name}", server.GroupIds());
            string uploads = Path.Combine(server.Home, "uploads");
            Assert.False(Directory.Exists(uploads) && Directory.EnumerateFileSystemEntries(uploads).Any(),
                $"case {name}: uploads left behind: {string.Join(", ", Directory.Exists(uploads) ? Directory.EnumerateFileSystemEntries(uploads) : [])}");
        }
        finally
        {
            CaseWorkspace.Delete(dir.Root);
        }
    }

    /// <summary>Waits (server-side, event driven; up to three minutes under load) until the job is final.</summary>
    private static async Task<JsonElement> FinalAsync(ServerHost host, HttpClient client, long id)
    {
        var job = await host.WaitJobAsync(client, id);
        for (int i = 0; i < 2 && job.GetProperty("state").GetString() is "queued" or "running"; i++) job = await host.WaitJobAsync(client, id);
        return job;
    }

    /// <summary>No stack trace, and for members no absolute path of the server's workspace or the test's folders (admins see paths).</summary>
    private void CheckClean(string text, bool admin, string context)
    {
        string home = server.Home;
        Assert.False(text.Contains("\n   at ", StringComparison.Ordinal) || text.Contains("\\n   at ", StringComparison.Ordinal), $"stack trace\n{context}");
        if (admin) return;
        Assert.False(text.Contains(home, StringComparison.Ordinal), $"absolute workspace path\n{context}");
        Assert.False(text.Contains(server.Fixture.Root, StringComparison.Ordinal), $"absolute server path\n{context}");
    }

    /// <summary>The server names options and parameters without the CLI's leading dashes.</summary>
    private static string Plain(string s) => s.StartsWith("--", StringComparison.Ordinal) ? s[2..] : s;

    private static void CheckAnswer(Expect expect, int status, string body, string context)
    {
        switch (expect)
        {
            case Expect.Error e:
                Assert.True(status is >= 400 and < 500, $"expected 4xx\n{context}");
                if (e.Exit == 3) Assert.True(status == 404, $"expected 404 (the CLI exits 3)\n{context}");
                Assert.True(body.Contains(Plain(e.Reason), StringComparison.OrdinalIgnoreCase), $"answer lacks the reason '{e.Reason}'\n{context}");
                Assert.True(body.Contains(Plain(e.File), StringComparison.Ordinal), $"answer does not name '{e.File}'\n{context}");
                break;
            default:
                Assert.True(status is >= 200 and < 300, $"expected success ({expect})\n{context}");
                break;
        }
    }

    private static void CheckJob(Expect expect, JsonElement job, string logs, bool upload, string context)
    {
        string state = job.GetProperty("state").GetString()!;
        switch (expect)
        {
            case Expect.Error e:
            {
                Assert.True(state == "failed", $"expected the job to fail\n{context}");
                string error = job.GetProperty("error").GetString() ?? "";
                Assert.True(error.Contains(Plain(e.Reason), StringComparison.OrdinalIgnoreCase), $"job error lacks the reason '{e.Reason}'\n{context}");
                // An upload is stored under a name of the server's; the file inside it, or the upload, is named.
                Assert.True(error.Contains(Plain(e.File), StringComparison.Ordinal) || (upload && error.Contains("uploads/", StringComparison.Ordinal)),
                    $"job error does not name '{e.File}'\n{context}");
                break;
            }
            case Expect.Rejected r:
                Assert.True(state == "succeeded", $"expected the job to succeed with a rejection\n{context}");
                Assert.True(logs.Contains(r.File, StringComparison.Ordinal) && logs.Contains(r.Reason, StringComparison.OrdinalIgnoreCase),
                    $"the log does not name '{r.File}' for '{r.Reason}'\n{context}");
                break;
            case Expect.Ok:
                Assert.True(state == "succeeded", $"expected the job to succeed\n{context}");
                break;
        }
    }
}
