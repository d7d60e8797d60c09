using System.Text.Json;
using Microsoft.Playwright;
using Seer.Hosting.Accounts;
using Seer.Hosting.Jobs;
using Seer.Tests.Shared;

namespace Seer.Browser.Tests;

/// <summary>
/// A flow on the server's job runner (POST /api/jobs kind "flow" through JobService, as an admin) and its pages in
/// Debian's chromium against a real Kestrel: 200 real Fashion-MNIST images are imported and split, then the example
/// executor (examples/executors/torch-classifier, YMIR's contract) trains as the last step, so its monitor.txt progress
/// is the job's final progress; the job log carries the step lines. #/flows lists the run, #/flow/RUN shows every step
/// with state and seconds, and a step's card link opens the card (its tables render) from the server.
/// Screenshots go to TestResults/screenshots (f1-…, f2-…, f3-…).
/// </summary>
public sealed class FlowUiTests
{
    private const string Password = "browser-password-flows";

    [Fact]
    public async Task AFlowJob_ReportsTheExecutorsProgress_AndItsRunStepsAndCardsShowInTheWebUi()
    {
        string home = TestPaths.TempDir();
        string shots = BrowserSite.Shots;
        await using var site = await BrowserSite.StartAsync(home);
        string url = site.Url;
        site.Accounts.AddUser("ada", UserRole.Admin, Password);
        site.Accounts.AddUser("bob", UserRole.Member, Password);
        string source = FashionSubset.Write(Path.Combine(home, "imports"), 200);
        string executor = Path.Combine(TestPaths.Root, "examples", "executors", "torch-classifier", "executor.py");
        string flow = $$"""
            name: ui-flow
            params: {epochs: 2}
            steps:
              - id: data
                op: import
                with: {path: "{{source}}", format: idx, name: ui-fashion}
              - id: split
                op: split
                with: {dataset: "${steps.data.dataset}", ratios: [0.6, 0.3, 0.1], seed: 0, name: ui}
              - id: train
                op: executor
                with:
                  run: [/usr/bin/python3, "{{executor}}"]
                  train: "${steps.split.train}"
                  val: "${steps.split.val}"
                  config: {epochs: "${params.epochs}", batch_size: 32, width: 8}
            outputs: {model: "${steps.train.model}", mAP: "${steps.train.mAP}"}
            """;
        var jobs = site.Service<JobService>();
        var parameters = JsonSerializer.SerializeToElement(new { flow });
        // a member may not run programs on the server through a flow
        var refused = Assert.Throws<Seer.Core.Errors.SeerException>(() => jobs.Submit("flow", parameters, "bob"));
        Assert.Equal("forbidden", refused.Code);
        var job = jobs.Submit("flow", parameters, "ada");
        var done = await site.Service<JobWaiter>()
            .WaitAsync(job.Id, j => JobStates.IsFinal(j.State), TimeSpan.FromMinutes(4), CancellationToken.None);
        Assert.True(done.State == JobState.Succeeded, done.Error);
        // the executor's monitor.txt ("... 1.0000 done") became the job's progress
        Assert.Equal("executor: done", done.ProgressStage);   // stage and the monitor's state
        Assert.Equal(1000, done.ProgressDone);
        Assert.Equal(1000, done.ProgressTotal);
        var logs = site.Service<IJobQueue>().ReadLogs(job.Id).Select(l => l.Message).ToList();
        // the monitor file was read and reported while the step ran (which states a poll catches depends on the machine's speed)
        Assert.Contains(logs, l => l.StartsWith("train: monitor: ", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.StartsWith("train: registered stage", StringComparison.Ordinal));

        var context = await site.NewContextAsync();
        var page = await context.NewPageAsync();
        await BrowserSite.WalkAsync(page, "f-failure.png", async () =>
        {
            await page.GotoAsync(url + "/#/flows");
            await BrowserSite.SignInAsync(page, "ada", Password);
            await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("ada (admin)");
            await page.GotoAsync(url + "/#/flows");
            var row = page.Locator("#flow-runs tr", new() { HasText = "ui-flow" });
            await Assertions.Expect(row).ToContainTextAsync("succeeded");
            await BrowserSite.ShotAsync(page, "f1-flows.png");

            await row.Locator("a").ClickAsync();
            await Assertions.Expect(page.Locator("#flow-state")).ToHaveTextAsync("succeeded");
            await Assertions.Expect(page.Locator("#flow-steps tr[data-key]")).ToHaveCountAsync(3);
            var train = page.Locator("#flow-steps tr[data-key='train']");
            await Assertions.Expect(train.Locator("td").Nth(1)).ToHaveTextAsync("succeeded");
            string secs = await train.Locator("td").Nth(3).InnerTextAsync();
            Assert.True(double.Parse(secs, System.Globalization.CultureInfo.InvariantCulture) > 0, secs);
            await Assertions.Expect(page.Locator("#flow-outputs")).ToContainTextAsync("\"model\": \"m-");
            await BrowserSite.ShotAsync(page, "f2-flow-run.png");

            // the card opens from the server in a new tab: the stages table and the mAP chart render
            var popup = await context.RunAndWaitForPageAsync(() => train.Locator("a.flow-card").ClickAsync());
            await Assertions.Expect(popup.Locator("h1")).ToHaveTextAsync("executor — train");
            var stages = popup.Locator("table", new() { Has = popup.Locator("caption", new() { HasText = "stages; best:" }) });
            await Assertions.Expect(stages).ToHaveCountAsync(1);
            await Assertions.Expect(stages.Locator("tr", new() { HasText = "epoch_1" })).ToHaveCountAsync(1);
            await Assertions.Expect(stages.Locator("tr", new() { HasText = "epoch_2" })).ToHaveCountAsync(1);
            await Assertions.Expect(popup.Locator("svg polyline")).ToHaveCountAsync(1);
            await BrowserSite.ShotAsync(popup, "f3-card.png");
        });
    }
}
