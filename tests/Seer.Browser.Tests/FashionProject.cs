using System.Text.Json;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Formats.Idx;
using Seer.Hosting.Jobs;

namespace Seer.Browser.Tests;

/// <summary>The project the project pages are tested on, and jobs run to their end on the site's runner.</summary>
public static class FashionProject
{
    /// <summary>
    /// 160 Fashion-MNIST test images imported as "f" (by an import job of <paramref name="owner"/>); f-train 40 / f-val 40 /
    /// f-pool 80 unlabelled; project "fashion" of <paramref name="owner"/> on them. Returns "f" (its labels are the truth).
    /// </summary>
    public static async Task<DatasetSnapshot> CreateAsync(BrowserSite site, string owner)
    {
        ArgumentNullException.ThrowIfNull(site);
        string folder = IdxSample.Write(TestPaths.Data("fashion-mnist"), "t10k", 0, 160, Path.Combine(site.Home, "imports", "fashion-cut"), "fashion",
            IdxSample.FashionMnistClasses);
        var imported = await RunJobAsync(site, "import", new { dataset = "f", format = "idx", path = folder }, owner, TimeSpan.FromMinutes(2));
        Assert.True(imported.State == JobState.Succeeded, imported.Error);
        var ws = site.Service<Workspace>();
        var all = ws.OpenSnapshot(DatasetRef.Parse("f"));
        var images = all.Images.OrderBy(i => i.FileName, StringComparer.Ordinal).ToList();
        ws.CommitVersion("f-train", images.Take(40).ToList(), [all.Version], "test-cut", null, all.Classes);
        ws.CommitVersion("f-val", images.Skip(40).Take(40).ToList(), [all.Version], "test-cut", null, all.Classes);
        ws.CommitVersion("f-pool", images.Skip(80).Select(i => i with { IsLabelled = false, Tags = [] }).ToList(), [all.Version], "test-cut", null, all.Classes);
        ProjectSetup.Create(ws, site.Service<ProjectStore>(), "fashion", "classify", "f-train", "f-val", "f-pool", null, owner);
        return all;
    }

    /// <summary>
    /// Submits a job (one CPU thread) and waits until it is final. The timeout is a safety net only (a hung job fails
    /// the test instead of hanging the run), not a speed assertion.
    /// </summary>
    public static async Task<JobInfo> RunJobAsync(BrowserSite site, string kind, object parameters, string user, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(site);
        var job = site.Service<JobService>().Submit(kind, JsonSerializer.SerializeToElement(parameters), user, cpuThreads: 1);
        return await site.Service<JobWaiter>().WaitAsync(job.Id, j => JobStates.IsFinal(j.State), timeout, CancellationToken.None);
    }
}
