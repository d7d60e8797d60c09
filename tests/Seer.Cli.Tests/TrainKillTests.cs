using System.Diagnostics;
using System.Text.Json;
using OpenCvSharp;
using Seer.Core.Datasets;
using Seer.Data;
using CvScalar = OpenCvSharp.Scalar;

namespace Seer.Cli.Tests;

/// <summary>
/// A `seer train` process killed mid-training (SIGKILL: no handler runs) leaves its model recoverable: while it runs,
/// `seer model list` shows it `training` and `seer model delete` is refused; once the process is gone, list and show
/// say `interrupted`, and the model can be deleted.
/// </summary>
public sealed class TrainKillTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "seer-train-kill-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task KilledTraining_IsShownInterrupted_AndCanBeDeleted()
    {
        SeedTwoClasses();
        using var train = CliProcess.Start(_home, ["train", "--task", "classify", "--train", "shapes", "--val", "shapes",
            "--arch", "small-cnn", "--size", "32", "--batch", "4", "--epochs", "100000", "--pretrained", "none"]);
        var stdout = train.StandardOutput.ReadToEndAsync();
        var stderr = train.StandardError.ReadToEndAsync();
        string id;
        try
        {
            id = await ModelRecordAppearsAsync(train, stderr, TimeSpan.FromMinutes(5));

            var live = await ListAsync();
            Assert.Equal("training", live[id]);
            var refused = await CliProcess.RunAsync(_home, TimeSpan.FromMinutes(2), "model", "delete", id, "--json");
            Assert.True(refused.Code == 4, $"delete of a running training: exit {refused.Code}\n{refused.Stderr}");
            Assert.Contains("being trained by another process", refused.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!train.HasExited) train.Kill(entireProcessTree: true);
            await train.WaitForExitAsync();
            await Task.WhenAll(stdout, stderr);
        }

        Assert.Equal("interrupted", (await ListAsync())[id]);
        var show = await CliProcess.RunAsync(_home, TimeSpan.FromMinutes(2), "model", "show", id);
        Assert.True(show.Code == 0, show.Stderr);
        Assert.Equal("interrupted", JsonDocument.Parse(show.Stdout).RootElement.GetProperty("status").GetString());

        var deleted = await CliProcess.RunAsync(_home, TimeSpan.FromMinutes(2), "model", "delete", id, "--json");
        Assert.True(deleted.Code == 0, deleted.Stderr);
        Assert.Equal("interrupted", JsonDocument.Parse(deleted.Stdout).RootElement.GetProperty("status").GetString());
        Assert.False(Directory.Exists(Path.Combine(_home, "models", id)));
        Assert.Empty(await ListAsync());
    }

    /// <summary>Waits until the training process has written its model record (status training), or fails saying so.</summary>
    private async Task<string> ModelRecordAppearsAsync(Process train, Task<string> stderr, TimeSpan timeout)
    {
        string models = Path.Combine(_home, "models");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (train.HasExited)
                throw new Xunit.Sdk.XunitException($"seer train ended (exit {train.ExitCode}) before it wrote a model record: {await stderr}");
            var record = Directory.Exists(models) ? Directory.GetFiles(models, "model.json", SearchOption.AllDirectories).FirstOrDefault() : null;
            if (record is not null) return Path.GetFileName(Path.GetDirectoryName(record))!;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"seer train wrote no model record under {models} within {timeout.TotalMinutes} minutes");
    }

    private async Task<Dictionary<string, string>> ListAsync()
    {
        var list = await CliProcess.RunAsync(_home, TimeSpan.FromMinutes(2), "model", "list", "--json");
        Assert.True(list.Code == 0, list.Stderr);
        return JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray()
            .ToDictionary(m => m.GetProperty("model").GetString()!, m => m.GetProperty("status").GetString()!);
    }

    /// <summary>Dataset "shapes": 16 small images, two classes (dark and light), one tag each.</summary>
    private void SeedTwoClasses()
    {
        using var ws = Workspace.Open(_home);
        var images = new List<ImageRecord>();
        for (int i = 0; i < 16; i++)
        {
            string tag = i % 2 == 0 ? "dark" : "light";
            using var m = new Mat(32, 32, MatType.CV_8UC3, i % 2 == 0 ? new CvScalar(20 + i, 30, 40) : new CvScalar(220 - i, 210, 200));
            var put = ws.Blobs.PutAsync(new MemoryStream(m.ImEncode(".png")), CancellationToken.None).GetAwaiter().GetResult();
            images.Add(new ImageRecord(put.Sha256, $"{tag}/{i}.png", 32, 32) { IsLabelled = true, Tags = [tag] });
        }
        ws.CommitVersion("shapes", images, [], "import", null);
    }

    public void Dispose()
    {
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }
}
