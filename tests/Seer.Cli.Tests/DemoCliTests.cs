using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Data;

namespace Seer.Cli.Tests;

/// <summary>
/// <c>seer demo</c>'s main path as a user runs it: a real process on a temporary workspace (the quick sample), which
/// imports the data, makes the sample project and the detection sets, starts the server and queues the showcase
/// detector; the test waits for the URL, signs in as the demo user, reads what the demo made, and stops it.
/// </summary>
public sealed class DemoCliTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "seer-demo-test-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Demo_MakesTheProjectAndDetectionSets_Serves_AndQueuesTheDetectorOnDisjointImages()
    {
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";
        using var process = CliProcess.Start(_home, ["demo", "--quick", "--urls", url]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var lines = new List<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (lines) lines.Add(line);
                if (line.Contains($"sample project at {url}/#/project/demo-fashion", StringComparison.Ordinal)) ready.TrySetResult();
            }
            ready.TrySetException(new InvalidOperationException("seer demo ended before serving:\n" + string.Join('\n', lines)));
        });
        try
        {
            // Safety net only (a hung demo fails the test instead of hanging the run); not a speed assertion.
            await ready.Task.WaitAsync(TimeSpan.FromMinutes(8));
            using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(url) };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/projects")).StatusCode);
            string password = (await File.ReadAllTextAsync(Path.Combine(_home, "demo-login.txt"))).Trim();
            var login = await client.PostAsJsonAsync("/api/auth/login", new { name = "demo", password });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);

            var project = await client.GetFromJsonAsync<JsonElement>("/api/projects/demo-fashion");
            Assert.Equal(2, project.GetProperty("rounds").GetInt32());
            Assert.Equal("top1", project.GetProperty("primary_metric").GetString());
            // 100 initial images + 50 mined and labelled by the oracle in round 1.
            Assert.Equal(150, project.GetProperty("latest_labelled").GetInt32());

            var jobs = await client.GetFromJsonAsync<JsonElement>("/api/jobs");
            var training = Assert.Single(jobs.EnumerateArray(), j => j.GetProperty("kind").GetString() == "training");
            var parameters = training.GetProperty("parameters");
            Assert.Equal("demo-synth-train", parameters.GetProperty("train").GetString());
            Assert.Equal("demo-synth-val", parameters.GetProperty("val").GetString());
            Assert.Equal("demo-detector", parameters.GetProperty("serve_as").GetString());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await stdout;
            await stderr;
        }

        // The detector trains and validates on different images: the two synthetic sets share no content.
        using var ws = Workspace.Open(_home);
        var train = ws.OpenSnapshot(new DatasetRef("demo-synth-train", null));
        var val = ws.OpenSnapshot(new DatasetRef("demo-synth-val", null));
        Assert.Equal((24, 8), (train.Images.Count, val.Images.Count));
        Assert.Empty(train.Images.Select(i => i.ContentHash).Intersect(val.Images.Select(i => i.ContentHash)));
        Assert.Equal(["Bag", "Sneaker", "Trouser"], train.Classes.Order(StringComparer.Ordinal));
        Assert.All(train.Images, i => Assert.InRange(i.Objects.Count, 1, 3));
    }

    [Fact]
    public async Task AnUnknownCommandWithHelp_FailsInsteadOfPrintingHelp()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, TimeSpan.FromMinutes(1), "nosuch", "--help");
        Assert.Equal(2, code);
        Assert.Contains("nosuch", stderr, StringComparison.Ordinal);
        var (known, stdout, _) = await CliProcess.RunAsync(null, TimeSpan.FromMinutes(1), "train", "--help");
        Assert.Equal(0, known);
        Assert.Contains("--epochs", stdout, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }
}
