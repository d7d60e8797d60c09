using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Seer.Server.Tests;

/// <summary>The labelme examples' VOC photos imported through the API, then read back as the UI reads them.</summary>
public sealed class DatasetApiTests
{
    [Fact]
    public async Task ImportByPath_RunsAsAJob_ThenListsShowsStatsImagesThumbnailsAndLineage()
    {
        await using var host = await ServerHost.StartAsync();
        var client = host.Member();
        var accepted = await client.PostAsJsonAsync("/api/datasets/import", new { dataset = "voc", format = "voc", path = TestPaths.LabelmeVoc });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        long id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var job = await host.WaitJobAsync(client, id);
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal(3, job.GetProperty("result").GetProperty("images").GetInt32());
        var created = job.GetProperty("created_at").GetDateTimeOffset();
        var started = job.GetProperty("started_at").GetDateTimeOffset();
        var finished = job.GetProperty("finished_at").GetDateTimeOffset();
        Assert.True(created <= started && started <= finished, $"{created:O} {started:O} {finished:O}");
        Assert.Equal((finished - started).TotalSeconds, job.GetProperty("run_seconds").GetDouble(), 3);
        Assert.Equal((started - created).TotalSeconds, job.GetProperty("queued_seconds").GetDouble(), 3);
        var logs = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/logs");
        Assert.Contains(logs.EnumerateArray(), l => l.GetProperty("message").GetString()!.StartsWith("started on", StringComparison.Ordinal));

        var list = await client.GetFromJsonAsync<JsonElement>("/api/datasets");
        var voc = Assert.Single(list.EnumerateArray());
        Assert.Equal("voc", voc.GetProperty("name").GetString());
        Assert.Equal(3, voc.GetProperty("images").GetInt32());

        var stats = await client.GetFromJsonAsync<JsonElement>("/api/datasets/voc/stats");
        Assert.Equal(6, stats.GetProperty("instances_per_class").GetProperty("person").GetInt32());
        Assert.Equal(2, stats.GetProperty("instances_per_class").GetProperty("bus").GetInt32());
        Assert.NotEmpty(stats.GetProperty("warnings").EnumerateArray());

        var images = await client.GetFromJsonAsync<JsonElement>("/api/datasets/voc/images?label=bus");
        var withBus = Assert.Single(images.GetProperty("images").EnumerateArray());
        Assert.Equal(2, withBus.GetProperty("objects").EnumerateArray().Count(o => o.GetProperty("label").GetString() == "bus"));
        string hash = withBus.GetProperty("hash").GetString()!;
        var bytes = await client.GetAsync($"/api/blobs/{hash}");
        Assert.Equal("image/jpeg", bytes.Content.Headers.ContentType?.MediaType);
        var thumb = await client.GetByteArrayAsync($"/api/blobs/{hash}/thumbnail?size=64");
        Assert.True(thumb.Length > 100 && thumb[0] == 0xFF && thumb[1] == 0xD8);
        using (var mat = OpenCvSharp.Cv2.ImDecode(thumb, OpenCvSharp.ImreadModes.Color))
            Assert.Equal(64, Math.Max(mat.Width, mat.Height));

        var random = await client.GetFromJsonAsync<JsonElement>("/api/datasets/voc/images/random");
        Assert.Equal(64, random.GetProperty("hash").GetString()!.Length);
        var lineage = await client.GetFromJsonAsync<JsonElement>("/api/datasets/voc/lineage");
        Assert.Equal("import", Assert.Single(lineage.GetProperty("nodes").EnumerateArray()).GetProperty("operation").GetString());
        var versions = await client.GetFromJsonAsync<JsonElement>("/api/datasets/voc/versions");
        Assert.Single(versions.EnumerateArray());
    }

    [Fact]
    public async Task ImportByUpload_ThenExport_WritesAVocFolder()
    {
        await using var host = await ServerHost.StartAsync();
        var client = host.Member();
        string zip = Path.Combine(host.Home, "upload-source.zip");
        ZipFile.CreateFromDirectory(TestPaths.LabelmeVoc, zip);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("uploaded"), "dataset" },
            { new StringContent("voc"), "format" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(zip)), "file", "voc.zip" },
        };
        var accepted = await client.PostAsync("/api/datasets/import", form);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = await host.WaitJobAsync(client, (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());

        string output = Path.Combine(host.Home, "exports", "exported");
        var export = await client.PostAsJsonAsync("/api/datasets/uploaded/export", new { format = "coco", output });
        Assert.Equal(HttpStatusCode.Accepted, export.StatusCode);
        var done = await host.WaitJobAsync(client, (await export.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Equal(9, done.GetProperty("result").GetProperty("objects").GetInt32());
        Assert.NotEmpty(Directory.GetFiles(output, "*.json", SearchOption.AllDirectories));

        // Exporting onto an existing folder is a conflict, refused before a job is queued.
        var again = await client.PostAsJsonAsync("/api/datasets/uploaded/export", new { format = "coco", output });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Errors_AreProblemDetailsNamingTheCause()
    {
        await using var host = await ServerHost.StartAsync();
        var client = host.Member();
        var missing = await client.GetAsync("/api/datasets/nope/stats");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var problem = await missing.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("not_found", problem.GetProperty("title").GetString());
        Assert.Contains("'nope'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var badKind = await client.PostAsJsonAsync("/api/jobs", new { kind = "juggle", parameters = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        Assert.Contains("juggle", (await badKind.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var badPath = await client.PostAsJsonAsync("/api/datasets/import", new { dataset = "x", format = "voc", path = Path.Combine(host.Home, "imports", "no-such-folder") });
        Assert.Equal(HttpStatusCode.NotFound, badPath.StatusCode);
        var outside = await client.PostAsJsonAsync("/api/datasets/import", new { dataset = "x", format = "voc", path = "/no/such/folder" });
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        var badFormat = await client.PostAsJsonAsync("/api/datasets/import", new { dataset = "x", format = "bmpz", path = TestPaths.LabelmeVoc });
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        var badHash = await client.GetAsync("/api/blobs/xyz");
        Assert.Equal(HttpStatusCode.BadRequest, badHash.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/jobs/999")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_AndLabelSpace()
    {
        await using var host = await ServerHost.StartAsync();
        var doc = await host.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/datasets", out _));
        Assert.True(paths.TryGetProperty("/api/models/{name}/analyze", out _));
        var client = host.Member();
        var labels = await (await client.PostAsJsonAsync("/api/labels/aliases", new { alias = "pedestrian", canonical = "person" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("person", labels.GetProperty("aliases").GetProperty("pedestrian").GetString());
    }
}
