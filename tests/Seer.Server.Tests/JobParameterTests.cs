using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seer.Hosting.Jobs;
using Seer.Hosting.Training;

namespace Seer.Server.Tests;

/// <summary>Typed job parameters: unknown keys, wrong types and bad values are 400s naming the job key (never a CLI flag).</summary>
public sealed class JobParameterTests
{
    private static async Task<string> RefusedAsync(HttpClient client, string kind, object parameters)
    {
        var response = await client.PostAsJsonAsync("/api/jobs", new { kind, parameters });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.DoesNotContain("--", detail, StringComparison.Ordinal);
        return detail;
    }

    [Fact]
    public async Task UnknownKeys_WrongTypes_AndBadValues_AreRefusedNamingTheKey()
    {
        await using var host = await ServerHost.StartAsync();
        // An admin: a member's job naming datasets they cannot see is "not found" before its parameters are read.
        var client = host.Admin();

        Assert.StartsWith("mining job: unknown parameter 'top_k'; known: pool, model, topk, strategy, into, threshold, seed, aggregate",
            await RefusedAsync(client, "mining", new { pool = "p", model = "m", top_k = 5 }), StringComparison.Ordinal);
        Assert.Equal("mining job: parameter 'topk' is required (a whole number)", await RefusedAsync(client, "mining", new { pool = "p", model = "m" }));
        Assert.Equal("mining job: parameter 'topk' must be a whole number, not \"5\"", await RefusedAsync(client, "mining", new { pool = "p", model = "m", topk = "5" }));
        Assert.Equal("mining job: parameter 'aggregate': aggregate must be max, mean or sum (was 'median')",
            await RefusedAsync(client, "mining", new { pool = "p", model = "m", topk = 5, aggregate = "median" }));
        Assert.Equal("pre-annotation job: parameter 'threshold' must be in 0..1 (was 2)",
            await RefusedAsync(client, "pre-annotation", new { dataset = "d", model = "m", threshold = 2 }));
        Assert.Equal("import job: parameter 'format' is required (a string)", await RefusedAsync(client, "import", new { dataset = "d", path = "/x" }));
        Assert.Equal("evaluation job: parameter 'dataset' is required with 'model' (NAME[@VERSION])", await RefusedAsync(client, "evaluation", new { model = "m" }));

        // Training jobs take every training setting (snake_case) beside train/val/serve_as, checked by the one loader.
        string unknown = await RefusedAsync(client, "training", new { train = "d", epoch = 3 });
        Assert.StartsWith("training job: unknown parameter 'epoch'; known: train, val, serve_as, task, architecture, width, head_convs", unknown, StringComparison.Ordinal);
        Assert.Contains("weight_decay", unknown, StringComparison.Ordinal);
        Assert.DoesNotContain("threads", unknown, StringComparison.Ordinal);
        Assert.Equal("training job: parameter 'weight_decay' must be in [0, 1) (was 2)", await RefusedAsync(client, "training", new { train = "d", weight_decay = 2 }));
        Assert.StartsWith("training job: setting 'epochs' has a value of the wrong type", await RefusedAsync(client, "training", new { train = "d", epochs = "ten" }), StringComparison.Ordinal);
        Assert.StartsWith("training job: parameter 'device' cannot be set: a job's device is its GPU slot",
            await RefusedAsync(client, "training", new { train = "d", device = "cuda:0" }), StringComparison.Ordinal);
        Assert.Empty(host.Service<IJobQueue>().List());
    }

    [Fact]
    public void TrainingJobParameters_CarryEveryTrainingSetting_ThreadsFromTheJob()
    {
        var parameters = JsonSerializer.SerializeToElement(new
        {
            train = "a@v1", val = "b", optimizer = "sgd", weight_decay = 0.001, flip_probability = 0, patience = 3, image_size = 96, task = "classify",
        });
        var p = TrainingJobParameters.Parse(parameters, threads: 3);
        Assert.Equal(("a", "v1"), (p.Train.Name, p.Train.Version));
        Assert.Equal("b", p.Val.Name);
        Assert.Equal("sgd", p.Options.Optimizer);
        Assert.Equal(0.001, p.Options.WeightDecay);
        Assert.Equal(0, p.Options.FlipProbability);
        Assert.Equal(3, p.Options.Patience);
        Assert.Equal(96, p.Options.ImageSize);
        Assert.Equal(3, p.Options.Threads);
        Assert.Equal("small-cnn", p.Options.Architecture);
        // Without "task" a training job trains a detector (the job's default), with the detector's defaults.
        var detect = TrainingJobParameters.Parse(JsonSerializer.SerializeToElement(new { train = "a" }), 1);
        Assert.Equal(("detect", "fcos-lite", 256), (detect.Options.Task, detect.Options.Architecture, detect.Options.ImageSize));
    }
}
