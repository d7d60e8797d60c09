using System.Diagnostics;
using System.Text.Json;
using Seer.Tests.BadInput;
using Xunit;

namespace Seer.Cli.Tests.BadInput;

/// <summary>
/// The bad-input suite: every case (see <see cref="BadInputCases"/>) builds one bad input in a temp folder and runs
/// the real CLI on it with --json, in a copy of a seeded workspace. Each must end within the time limit (the
/// process is killed and the case fails otherwise), with the expected exit code and a JSON error naming the file
/// and the reason (or the file listed as rejected), no "Unhandled exception" or stack trace, a bounded heap
/// (DOTNET_GCHeapHardLimit, so an unbounded read fails with OutOfMemory) and peak RSS, and the workspace intact:
/// earlier versions unchanged, no blob that no version references, no temp files left in the workspace or beside
/// the input. As root, the child runs without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH (setpriv), so permissions
/// apply to it as to any user.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BadInputCliTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private const long MaxRssBytes = 1L << 30;

    public static TheoryData<string> Names() => new(BadInputCases.All.Select(c => c.Name));

    [Fact]
    public void Suite_HasAtLeastSixtyDistinctCases()
    {
        Assert.True(BadInputCases.All.Count >= 60, $"{BadInputCases.All.Count} cases");
        Assert.Equal(BadInputCases.All.Count, BadInputCases.All.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task BadInput_FailsCleanly(string name)
    {
        var (bad, root, home, dir) = CaseWorkspace.Prepare(fixture, name);
        try
        {
            string[] args = bad.Build(dir);
            var before = CaseWorkspace.Listing(dir.Root);
            var run = await RunAsync(dir.HomeOverride ?? home, [.. args, "--json"]);
            string context = $"case {name}: exit {run.Code}\nstdout: {CaseWorkspace.Cut(run.Stdout)}\nstderr: {CaseWorkspace.Cut(run.Stderr)}";

            Assert.False(run.TimedOut, $"case {name} did not finish within {Limit.TotalSeconds} s (killed)\n{context}");
            Assert.DoesNotContain("Unhandled exception", run.Stderr, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\n   at ", "\n" + run.Stderr, StringComparison.Ordinal);
            Assert.True(run.PeakRss < MaxRssBytes, $"peak RSS {run.PeakRss:N0} bytes\n{context}");
            CheckOutcome(bad.Expect, run, context);
            CaseWorkspace.CheckIntact(fixture, home, context);
            Assert.Equal(before, CaseWorkspace.Listing(dir.Root)); // nothing left beside the input (temp files, half exports)
        }
        finally
        {
            CaseWorkspace.Delete(root);
        }
    }

    private static void CheckOutcome(Expect expect, Run run, string context)
    {
        switch (expect)
        {
            case Expect.Error e:
            {
                Assert.True(e.Exit == run.Code, $"expected exit {e.Exit}\n{context}");
                Assert.True(run.Stdout.Trim().Length == 0, $"stdout should be empty on error\n{context}");
                JsonElement error;
                try
                {
                    using var doc = JsonDocument.Parse(run.Stderr);
                    error = doc.RootElement.GetProperty("error").Clone();
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    throw new Xunit.Sdk.XunitException($"stderr is not one JSON error object ({ex.Message})\n{context}");
                }
                string code = error.GetProperty("code").GetString()!;
                string message = error.GetProperty("message").GetString()!;
                string? file = error.GetProperty("file").ValueKind == JsonValueKind.String ? error.GetProperty("file").GetString() : null;
                Assert.False(string.IsNullOrWhiteSpace(code), context);
                Assert.True(message.Contains(e.Reason, StringComparison.OrdinalIgnoreCase), $"message lacks the reason '{e.Reason}'\n{context}");
                Assert.True((message + " " + file).Contains(e.File, StringComparison.Ordinal), $"error does not name '{e.File}'\n{context}");
                break;
            }
            case Expect.Rejected r:
            {
                Assert.True(run.Code == 0, $"expected success with a rejection\n{context}");
                using var doc = JsonDocument.Parse(run.Stdout);
                var rejected = doc.RootElement.GetProperty("rejected").EnumerateArray()
                    .Select(i => (File: i.GetProperty("file").GetString()!, Reason: i.GetProperty("reason").GetString()!)).ToList();
                Assert.True(rejected.Any(i => i.File.Contains(r.File, StringComparison.Ordinal)
                                              && i.Reason.Contains(r.Reason, StringComparison.OrdinalIgnoreCase)),
                    $"no rejection of '{r.File}' for '{r.Reason}'\n{context}");
                break;
            }
            case Expect.Ok ok:
                Assert.True(run.Code == 0, $"expected success\n{context}");
                if (ok.Stderr is not null) Assert.True(run.Stderr.Contains(ok.Stderr, StringComparison.OrdinalIgnoreCase), context);
                using (var doc = JsonDocument.Parse(run.Stdout))
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("rejected", out var rejected))
                        Assert.True(rejected.GetArrayLength() == 0, $"nothing should be rejected\n{context}");
                break;
        }
    }

    private sealed record Run(int Code, string Stdout, string Stderr, bool TimedOut, long PeakRss);

    private static async Task<Run> RunAsync(string home, string[] args)
    {
        // the embedded default whatever the shell exports (the scale-out cases name their database themselves)
        var environment = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x30000000", ["SEER_DB"] = "", ["SEER_BLOBS"] = "" };
        string[] wrapper = Environment.UserName == "root" && File.Exists("/usr/bin/setpriv")
            ? ["/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search"]
            : [];
        using var p = CliProcess.Start(home, args, environment, wrapper);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        var watch = Stopwatch.StartNew();
        bool timedOut = false;
        while (!p.HasExited)
        {
            peak = Math.Max(peak, PeakRss(p.Id));
            if (watch.Elapsed > Limit)
            {
                timedOut = true;
                p.Kill(entireProcessTree: true);
                break;
            }
            await Task.WhenAny(p.WaitForExitAsync(), Task.Delay(50));
        }
        await p.WaitForExitAsync();
        return new Run(p.ExitCode, await stdout, (await stderr).Trim(), timedOut, peak);
    }

    /// <summary>VmHWM (peak resident set) of a running process, 0 when it is gone.</summary>
    private static long PeakRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
