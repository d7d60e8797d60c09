using Seer.Tests.Shared;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenCvSharp;
using Seer.Formats;
using Seer.Hosting.Search;

namespace Seer.Server.Tests;

/// <summary>
/// Issue 19, second part: "more like this" and the embedding map over the fields job's stored vectors, a selection made
/// a version (lineage kept), synth as a job, every import format on the import page, and changing a user's role.
/// </summary>
public sealed class WebAppExtrasTests
{
    private static async Task<JsonElement> SubmitAndWaitAsync(ServerHost host, HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/jobs", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var job = await host.WaitJobAsync(client, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        return job;
    }

    [Fact]
    public async Task MoreLikeThis_AndTheMap_ReadTheFieldsJobsVectors_AndSelectMakesAVersionOfExactlyThoseImages()
    {
        string data = TestPaths.TempDir();
        await using var host = await ServerHost.StartAsync(options: o => o.AllowedPaths.Add(data));
        var admin = host.Admin();
        await SubmitAndWaitAsync(host, admin, new { kind = "import", parameters = new { dataset = "fashion", format = "idx", path = FashionSubset.Write(data, 200) } });
        await SubmitAndWaitAsync(host, admin, new
        {
            kind = "training",
            parameters = new { train = "fashion", task = "classify", epochs = 1, image_size = 32, batch_size = 32, max_batches_per_epoch = 3, serve_as = "fash" },
        });
        var none = await admin.GetAsync("/api/datasets/fashion/images/5/similar?model=fash");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("fields", (await none.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var fields = await SubmitAndWaitAsync(host, admin, new { kind = "fields", parameters = new { dataset = "fashion", model = "fash", k = 5 } });
        string version = fields.GetProperty("result").GetProperty("version").GetString()!;
        Assert.Equal(VersionEmbeddings.GroupName(version, "fash"), fields.GetProperty("result").GetProperty("embeddings").GetString());

        var models = await admin.GetFromJsonAsync<JsonElement>("/api/datasets/fashion/embeddings");
        Assert.Equal(["fash"], models.GetProperty("models").EnumerateArray().Select(m => m.GetString()));

        // More like this = the exact cosine neighbours of the image's stored vector, itself left out.
        var group = host.Service<FeatureGroupHost>().Get(VersionEmbeddings.GroupName(version, "fash"));
        Assert.Equal(200, group.Count);
        var vectors = Enumerable.Range(0, 200).Select(i => group.Get(i.ToString(System.Globalization.CultureInfo.InvariantCulture))!.Vector).ToList();
        static double Cosine(float[] a, float[] b)
        {
            double ab = 0, aa = 0, bb = 0;
            for (int c = 0; c < a.Length; c++)
            {
                ab += a[c] * b[c];
                aa += a[c] * a[c];
                bb += b[c] * b[c];
            }
            return ab / Math.Sqrt(aa * bb);
        }
        var expected = Enumerable.Range(0, 200).Where(i => i != 5).OrderByDescending(i => Cosine(vectors[5], vectors[i])).Take(6).ToList();
        var similar = await admin.GetFromJsonAsync<JsonElement>("/api/datasets/fashion/images/5/similar?model=fash&k=6");
        var got = similar.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(6, got.Count);
        // Ties in float scores may swap neighbours; the set of the first five and the scores must agree.
        Assert.Equal(expected.Take(5).Order(), got.Take(5).Select(r => r.GetProperty("index").GetInt32()).Order());
        for (int i = 0; i < 6; i++)
            Assert.Equal(Cosine(vectors[5], vectors[expected[i]]), got[i].GetProperty("score").GetDouble(), 4);
        Assert.All(got, r => Assert.Equal(1, r.GetProperty("tags").GetArrayLength()));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/datasets/fashion/images/5/similar?model=fash&k=0")).StatusCode);

        // The map: one point per image, labelled with its class, PCA (the first axis spreads more than the second).
        var map = await admin.GetFromJsonAsync<JsonElement>("/api/datasets/fashion/map?model=fash");
        var points = map.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 200), points.Select(p => p.GetProperty("index").GetInt32()));
        var page = (await admin.GetFromJsonAsync<JsonElement>("/api/datasets/fashion/images?limit=200")).GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(page.Select(r => r.GetProperty("tags")[0].GetString()), points.Select(p => p.GetProperty("label").GetString()));
        double Spread(string axis) { var v = points.Select(p => p.GetProperty(axis).GetDouble()).ToList(); double m = v.Average(); return v.Sum(x => (x - m) * (x - m)); }
        Assert.True(Spread("x") >= Spread("y") && Spread("y") > 0, $"{Spread("x")} {Spread("y")}");
        Assert.InRange(map.GetProperty("explained_variance").GetDouble(), 0.01, 1.0);

        // A selection becomes a version of exactly those images (repeats and order do not matter), the source its parent.
        var select = await admin.PostAsJsonAsync($"/api/datasets/fashion@{version}/select", new { indices = new[] { 17, 3, 150, 3 }, target = "picked" });
        Assert.Equal(HttpStatusCode.OK, select.StatusCode);
        var report = await select.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("select", report.GetProperty("operation").GetString());
        var picked = (await admin.GetFromJsonAsync<JsonElement>("/api/datasets/picked/images")).GetProperty("images").EnumerateArray()
            .Select(r => r.GetProperty("hash").GetString()).ToList();
        Assert.Equal(new[] { 3, 17, 150 }.Select(i => page[i].GetProperty("hash").GetString()), picked);
        var lineage = host.Service<Seer.Data.Workspace>().Log(Seer.Core.Datasets.DatasetRef.Parse("picked")).First();
        Assert.Equal("select", lineage.Operation);
        Assert.Equal([version], lineage.Parents);
        var outside = await admin.PostAsJsonAsync("/api/datasets/fashion/select", new { indices = new[] { 1, 200 }, target = "never" });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("image index 200 is outside", (await outside.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Service<Seer.Data.Workspace>().ListDatasets(), d => d.Name == "never");
        // A member who cannot see the dataset gets 404 from every route.
        Assert.Equal(HttpStatusCode.NotFound, (await host.Member().GetAsync("/api/datasets/fashion/map?model=fash")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Member().PostAsJsonAsync("/api/datasets/fashion/select", new { indices = new[] { 1 } })).StatusCode);
        // The stored vectors are as private as the dataset: the member neither lists nor reads their feature group.
        string groupName = VersionEmbeddings.GroupName(version, "fash");
        Assert.Equal(HttpStatusCode.NotFound, (await host.Member().GetAsync($"/api/groups/{groupName}")).StatusCode);
        Assert.DoesNotContain(groupName, await host.Member().GetStringAsync("/api/groups"), StringComparison.Ordinal);
        Assert.Contains(groupName, await admin.GetStringAsync("/api/groups"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Synth_RunsAsAJob_WritingADetectionVersion_AndBadOptionsAreRefusedAtSubmission()
    {
        string data = TestPaths.TempDir();
        await using var host = await ServerHost.StartAsync(options: o => o.AllowedPaths.Add(data));
        var admin = host.Admin();
        await SubmitAndWaitAsync(host, admin, new { kind = "import", parameters = new { dataset = "fashion", format = "idx", path = FashionSubset.Write(data, 40) } });
        string photos = Path.Combine(data, "photos");
        Directory.CreateDirectory(photos);
        for (int i = 0; i < 3; i++)
        {
            using var mat = new Mat(96, 128, MatType.CV_8UC3);
            Cv2.Randu(mat, new OpenCvSharp.Scalar(0, 0, 0), new OpenCvSharp.Scalar(255, 255, 255));
            Cv2.ImWrite(Path.Combine(photos, $"p{i}.png"), mat);
        }
        int jobsBefore = (await admin.GetFromJsonAsync<JsonElement>("/api/jobs")).GetArrayLength();
        var tooBig = await admin.PostAsJsonAsync("/api/jobs", new
        {
            kind = "synth", parameters = new { dataset = "boxes", backgrounds = photos, items = "fashion", count = 6, width = 64, height = 64, min_size = 12, max_size = 64 },
        });
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Contains("--max-size 64", (await tooBig.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var elsewhere = await admin.PostAsJsonAsync("/api/jobs", new { kind = "synth", parameters = new { dataset = "boxes", backgrounds = "/etc", items = "fashion" } });
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode); // outside the folders the server may read, as for imports
        Assert.Equal(jobsBefore, (await admin.GetFromJsonAsync<JsonElement>("/api/jobs")).GetArrayLength());
        Assert.DoesNotContain(host.Service<Seer.Data.Workspace>().ListDatasets(), d => d.Name == "boxes");

        var job = await SubmitAndWaitAsync(host, admin, new
        {
            kind = "synth",
            parameters = new { dataset = "boxes", backgrounds = photos, items = "fashion", classes = new[] { "Bag", "Sneaker" }, count = 6, width = 64, height = 64, min_size = 12, max_size = 28, encoding = "png", seed = 3 },
        });
        var result = job.GetProperty("result");
        Assert.Equal(6, result.GetProperty("images").GetInt32());
        Assert.True(result.GetProperty("objects").GetInt32() >= 6);
        var rows = (await admin.GetFromJsonAsync<JsonElement>("/api/datasets/boxes/images")).GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.True(r.GetProperty("box_count").GetInt32() >= 1));
        Assert.All(rows.SelectMany(r => r.GetProperty("objects").EnumerateArray()), o => Assert.Contains(o.GetProperty("label").GetString(), new[] { "Bag", "Sneaker" }));
        // A member may not read the admin's private items, so cannot synthesise from them.
        var member = await host.Member().PostAsJsonAsync("/api/jobs", new { kind = "synth", parameters = new { dataset = "mine", backgrounds = photos, items = "fashion", count = 2 } });
        Assert.Equal(HttpStatusCode.NotFound, member.StatusCode);
    }

    [Fact]
    public async Task ImportPage_OffersEveryFormatTheCliReads()
    {
        await using var host = await ServerHost.StartAsync();
        string actions = await host.Admin().GetStringAsync("/actions.js");
        var line = actions.Split('\n').Single(l => l.StartsWith("export const IMPORT_FORMATS", StringComparison.Ordinal));
        foreach (string format in FormatRegistry.Names)
        {
            FormatRegistry.GetImporter(format);
            Assert.Contains($"\"{format}\"", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ChangingARole_TakesEffectAtOnce_AdminsOnly_AndTheLastAdminStays()
    {
        await using var host = await ServerHost.StartAsync();
        var admin = host.Admin();
        var member = host.Member();
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutAsJsonAsync("/api/users/member/role", new { role = "admin" })).StatusCode);

        var promoted = await admin.PutAsJsonAsync("/api/users/member/role", new { role = "admin" });
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal("admin", (await promoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.PutAsJsonAsync("/api/users/member/role", new { role = "labeller" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/users")).StatusCode);

        var last = await admin.PutAsJsonAsync("/api/users/admin/role", new { role = "member" });
        Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
        Assert.Contains("only admin", (await last.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/users/nobody/role", new { role = "member" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/users/member/role", new { role = "owner" })).StatusCode);
    }
}
