using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Hosting.Accounts;

namespace Seer.Server.Tests.Labeling;

/// <summary>
/// /api/labeling on a real workspace and SQLite: two labellers saving the same image (the stale one gets 409, nothing
/// is lost), a labeller refused another's task and every non-labelling route, a draft that survives a reload and is not
/// a submission, review, and a commit refused with the count of images in each state, then accepted: one 'label'
/// version of exactly the accepted boxes whose parameters name the task.
/// </summary>
public sealed class LabelingApiTests
{
    private const string Password = "labeller-password-1";

    [Theory]
    [MemberData(nameof(ServerHost.Backends), MemberType = typeof(ServerHost))]
    public async Task TwoLabellersSaveTheSameImage_TheStaleSaveGets409AndNothingIsLost(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        var (lena, leo, _) = Labellers(host);
        LabelingData.Commit(host.Service<Workspace>(), "shots", 4);
        long id = await CreateTaskAsync(host.Member(), new { dataset = "shots", assignees = new[] { "lena", "leo" }, reviewer = "member" });
        var items = await lena.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items");
        Assert.Equal(4, items.GetArrayLength());
        Assert.Equal(["lena", "lena", "leo", "leo"], items.EnumerateArray().Select(i => i.GetProperty("assignee").GetString()!).ToArray());
        Assert.All(items.EnumerateArray(), i => Assert.Equal("todo", i.GetProperty("state").GetString()));

        var seenByLena = await lena.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items/0");
        var seenByLeo = await leo.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items/0");
        Assert.Equal(0, seenByLena.GetProperty("revision").GetInt64());
        var first = await lena.PutAsJsonAsync($"/api/labeling/tasks/{id}/items/0",
            new { objects = new[] { new { label = "cat", box = new[] { 2.0, 3, 20, 30 } } }, tags = Array.Empty<string>(), revision = 0 });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetInt64());

        var stale = await leo.PutAsJsonAsync($"/api/labeling/tasks/{id}/items/0",
            new { objects = new[] { new { label = "dog", box = new[] { 30.0, 5, 50, 40 } } }, tags = Array.Empty<string>(), revision = seenByLeo.GetProperty("revision").GetInt64() });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        string detail = (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("revision 1 (saved by lena)", detail, StringComparison.Ordinal);

        // nothing lost, nothing changed by the refused save
        var now = await leo.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items/0");
        Assert.Equal(1, now.GetProperty("revision").GetInt64());
        Assert.Equal("[{\"label\":\"cat\",\"box\":[2,3,20,30]}]", now.GetProperty("objects").GetRawText());
        // leo reloads and adds his box on top of lena's
        var merged = await leo.PutAsJsonAsync($"/api/labeling/tasks/{id}/items/0", new
        {
            objects = new object[] { new { label = "cat", box = new[] { 2.0, 3, 20, 30 } }, new { label = "dog", box = new[] { 30.0, 5, 50, 40 } } },
            tags = Array.Empty<string>(), revision = 1,
        });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var after = await lena.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items/0");
        Assert.Equal(2, after.GetProperty("revision").GetInt64());
        Assert.Equal(2, after.GetProperty("objects").GetArrayLength());

        // bad input is refused with the reason, and changes nothing
        var unknown = await lena.PutAsJsonAsync($"/api/labeling/tasks/{id}/items/0",
            new { objects = new[] { new { label = "horse", box = new[] { 1.0, 1, 5, 5 } } }, tags = Array.Empty<string>(), revision = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'horse', which is not a class", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var outside = await lena.PutAsJsonAsync($"/api/labeling/tasks/{id}/items/0",
            new { objects = new[] { new { label = "cat", box = new[] { 70.0, 1, 90, 5 } } }, tags = Array.Empty<string>(), revision = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Equal(2, (await lena.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items/0")).GetProperty("revision").GetInt64());
    }

    [Theory]
    [MemberData(nameof(ServerHost.Backends), MemberType = typeof(ServerHost))]
    public async Task ALabellerSeesOnlyItsTasks_AnotherTaskIs403_AndOtherRoutesAreClosed(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        var (lena, leo, _) = Labellers(host);
        LabelingData.Commit(host.Service<Workspace>(), "shots", 3);
        long lenas = await CreateTaskAsync(host.Member(), new { dataset = "shots", assignees = new[] { "lena" } });
        long leos = await CreateTaskAsync(host.Member(), new { dataset = "shots", assignees = new[] { "leo" } });

        foreach (var route in new[] { $"/api/labeling/tasks/{lenas}", $"/api/labeling/tasks/{lenas}/items", $"/api/labeling/tasks/{lenas}/items/0", $"/api/labeling/tasks/{lenas}/items/0/file" })
            Assert.Equal(HttpStatusCode.Forbidden, (await leo.GetAsync(route)).StatusCode);
        var refused = await leo.PutAsJsonAsync($"/api/labeling/tasks/{lenas}/items/0", new { objects = Array.Empty<object>(), tags = Array.Empty<string>(), revision = 0 });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("is not yours", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var leoList = await leo.GetFromJsonAsync<JsonElement>("/api/labeling/tasks");
        Assert.Equal([leos], leoList.EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToArray());
        Assert.Equal(2, (await host.Admin().GetFromJsonAsync<JsonElement>("/api/labeling/tasks")).GetArrayLength());

        // his own task's image bytes are there; the rest of the product is not
        var file = await leo.GetAsync($"/api/labeling/tasks/{leos}/items/1/file");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await leo.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal("labeller", (await leo.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("role").GetString());
        foreach (var route in new[] { "/api/datasets", "/api/jobs", "/api/projects" })
            Assert.Equal(HttpStatusCode.Forbidden, (await leo.GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await leo.PostAsJsonAsync("/api/labeling/tasks", new { dataset = "shots" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().GetAsync("/api/labeling/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lena.GetAsync($"/api/labeling/tasks/{lenas}/items/0")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(ServerHost.Backends), MemberType = typeof(ServerHost))]
    public async Task ADraftSurvivesAReload_CommitWithAReviewerIsRefusedWithCounts_ThenWritesOneLabelVersion(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        var (lena, _, reviewer) = Labellers(host);
        var source = LabelingData.Commit(host.Service<Workspace>(), "shots", 4);
        long id = await CreateTaskAsync(host.Member(), new { dataset = "shots", assignees = new[] { "lena" }, reviewer = "rita", into = "shots-labelled" });

        // a draft: saved, still there on a reload (a fresh client), in progress, not submitted
        await SaveAsync(lena, id, 0, 0, ("cat", [1, 2, 30, 40]));
        using (var reload = host.As(host.Service<AccountStore>().CreateToken("lena")))
        {
            var draft = await reload.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items/0");
            Assert.Equal("in_progress", draft.GetProperty("state").GetString());
            Assert.Equal("[{\"label\":\"cat\",\"box\":[1,2,30,40]}]", draft.GetProperty("objects").GetRawText());
            var counts = (await reload.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}")).GetProperty("counts");
            Assert.Equal(1, counts.GetProperty("in_progress").GetInt32());
            Assert.Equal(0, counts.GetProperty("submitted").GetInt32());
        }

        // image 0 accepted, 1 rejected with a comment, 2 submitted, 3 still to do
        await SubmitAsync(lena, id, 0);
        await ReviewAsync(reviewer, id, 0, true, null);
        await SaveAsync(lena, id, 1, 0, ("dog", [5, 5, 25, 25]));
        await SubmitAsync(lena, id, 1);
        var noComment = await reviewer.PostAsJsonAsync($"/api/labeling/tasks/{id}/items/1/review", new { accept = false });
        Assert.Equal(HttpStatusCode.BadRequest, noComment.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lena.PostAsJsonAsync($"/api/labeling/tasks/{id}/items/1/review", new { accept = true })).StatusCode);
        await ReviewAsync(reviewer, id, 1, false, "the dog's tail is outside the box");
        await SaveAsync(lena, id, 2, 0, ("bird", [10, 10, 20, 20]), ("cat", [30, 5, 60, 45]));
        await SubmitAsync(lena, id, 2);
        // a labeller cannot change a submitted image any more
        Assert.Equal(HttpStatusCode.Conflict, (await lena.PutAsJsonAsync($"/api/labeling/tasks/{id}/items/2",
            new { objects = Array.Empty<object>(), tags = Array.Empty<string>(), revision = 2 })).StatusCode);

        var refused = await reviewer.PostAsync($"/api/labeling/tasks/{id}/commit", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        string detail = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("3 of 4 images are not accepted yet (1 to do, 1 submitted, 1 rejected)", detail, StringComparison.Ordinal);
        Assert.Null(host.Service<Workspace>().Metadata.FindHead("shots-labelled"));

        // the rejected image comes back with its comment; fixed and resubmitted; the rest accepted
        var back = await lena.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items/1");
        Assert.Equal("rejected", back.GetProperty("state").GetString());
        Assert.Equal("the dog's tail is outside the box", back.GetProperty("comment").GetString());
        await SaveAsync(lena, id, 1, back.GetProperty("revision").GetInt64(), ("dog", [5, 5, 35, 25]));
        await SubmitAsync(lena, id, 1);
        await ReviewAsync(reviewer, id, 1, true, null);
        await ReviewAsync(reviewer, id, 2, true, null);
        await SubmitAsync(lena, id, 3);
        await ReviewAsync(reviewer, id, 3, true, null);
        Assert.Equal(HttpStatusCode.Forbidden, (await lena.PostAsync($"/api/labeling/tasks/{id}/commit", null)).StatusCode);

        var committed = await reviewer.PostAsync($"/api/labeling/tasks/{id}/commit", null);
        Assert.Equal(HttpStatusCode.OK, committed.StatusCode);
        var version = await committed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("shots-labelled", version.GetProperty("dataset").GetString());
        Assert.Equal("label", version.GetProperty("operation").GetString());
        Assert.Equal([source.Version], version.GetProperty("parents").EnumerateArray().Select(p => p.GetString()!).ToArray());
        Assert.Equal(id, version.GetProperty("parameters").GetProperty("task").GetInt64());
        Assert.Equal(4, version.GetProperty("labelled").GetInt32());

        var snapshot = host.Service<Workspace>().OpenSnapshot(DatasetRef.Parse("shots-labelled"));
        string Boxes(int i) => string.Join(" ", snapshot.Images.Single(x => x.FileName == $"img-{i:D2}.png").Objects
            .Select(o => $"{o.Label}:{o.Box.X1},{o.Box.Y1},{o.Box.X2},{o.Box.Y2}"));
        Assert.Equal("cat:1,2,30,40", Boxes(0));
        Assert.Equal("dog:5,5,35,25", Boxes(1));
        Assert.Equal("bird:10,10,20,20 cat:30,5,60,45", Boxes(2));
        Assert.Equal("", Boxes(3));
        Assert.All(snapshot.Images, i => Assert.True(i.IsLabelled));
        Assert.Equal(HttpStatusCode.Conflict, (await reviewer.PostAsync($"/api/labeling/tasks/{id}/commit", null)).StatusCode);
        Assert.Equal("committed", (await reviewer.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task ATaskCreatedWithAModel_OffersTheModelsBoxesApartWithTheirScores()
    {
        await using var host = await ServerHost.StartAsync();
        var (lena, _, _) = Labellers(host);
        await ImageApiTests.RegisterFacesAsync(host.Admin(), host.Home);
        var ws = host.Service<Workspace>();
        var photos = new List<ImageRecord>();
        foreach (string name in new[] { "sample5.jpg", "sample1.jpg" })
        {
            string file = TestPaths.Data("faces", name);
            using var mat = OpenCvSharp.Cv2.ImRead(file);
            await using var stream = File.OpenRead(file);
            var put = await ws.Blobs.PutAsync(stream, CancellationToken.None);
            photos.Add(new ImageRecord(put.Sha256, name, mat.Width, mat.Height));
        }
        ws.CommitVersion("group", photos, [], "test-images", null, ["face"]);

        long id = await CreateTaskAsync(host.Member(), new { dataset = "group", model = "faces", threshold = 0.7, assignees = new[] { "lena" } });
        var task = await lena.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}");
        Assert.Equal("faces", task.GetProperty("model").GetString());
        Assert.Equal(["face"], task.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray());
        // the faces are offers (dashed in the tool, with a score), not labels: the draft starts empty
        int[] expected = [5, 3];
        for (int i = 0; i < 2; i++)
        {
            var item = await lena.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items/{i}");
            Assert.Equal(photos[i].FileName, item.GetProperty("file_name").GetString());
            Assert.Equal(0, item.GetProperty("objects").GetArrayLength());
            Assert.Equal("todo", item.GetProperty("state").GetString());
            var offers = item.GetProperty("predictions").EnumerateArray().ToList();
            Assert.Equal(expected[i], offers.Count);
            foreach (var offer in offers)
            {
                Assert.Equal("face", offer.GetProperty("label").GetString());
                Assert.InRange(offer.GetProperty("score").GetDouble(), 0.7, 1.0);
                var box = offer.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Assert.True(box[0] >= 0 && box[1] >= 0 && box[2] <= photos[i].Width && box[3] <= photos[i].Height && box[2] > box[0] && box[3] > box[1],
                    string.Join(",", box));
            }
        }

        // accepting one offer (as the tool does: the box joins the objects, the rest stay offered) survives a reload
        var first = await lena.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items/0");
        var all = first.GetProperty("predictions").EnumerateArray().ToList();
        double[] kept = all[0].GetProperty("box").EnumerateArray().Select(v => Math.Round(v.GetDouble())).ToArray();
        var saved = await lena.PutAsJsonAsync($"/api/labeling/tasks/{id}/items/0", new
        {
            objects = new[] { new { label = "face", box = kept } }, tags = Array.Empty<string>(), revision = 0,
            predictions = all.Skip(1).Select(p => JsonSerializer.Deserialize<JsonElement>(p.GetRawText())).ToArray(),
        });
        Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        var reloaded = await lena.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{id}/items/0");
        Assert.Equal(4, reloaded.GetProperty("predictions").GetArrayLength());
        Assert.Equal(kept, reloaded.GetProperty("objects")[0].GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray());
    }

    private static (HttpClient Lena, HttpClient Leo, HttpClient Rita) Labellers(ServerHost host)
    {
        var accounts = host.Service<AccountStore>();
        foreach (var name in new[] { "lena", "leo", "rita" }) accounts.AddUser(name, UserRole.Labeller, Password);
        return (host.As(accounts.CreateToken("lena")), host.As(accounts.CreateToken("leo")), host.As(accounts.CreateToken("rita")));
    }

    private static async Task<long> CreateTaskAsync(HttpClient client, object body)
    {
        var created = await client.PostAsJsonAsync("/api/labeling/tasks", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task SaveAsync(HttpClient client, long id, int image, long revision, params (string Label, double[] Box)[] boxes)
    {
        var r = await client.PutAsJsonAsync($"/api/labeling/tasks/{id}/items/{image}",
            new { objects = boxes.Select(b => new { label = b.Label, box = b.Box }).ToArray(), tags = Array.Empty<string>(), revision });
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
    }

    private static async Task SubmitAsync(HttpClient client, long id, int image)
    {
        var r = await client.PostAsync($"/api/labeling/tasks/{id}/items/{image}/submit", null);
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
    }

    private static async Task ReviewAsync(HttpClient client, long id, int image, bool accept, string? comment)
    {
        var r = await client.PostAsJsonAsync($"/api/labeling/tasks/{id}/items/{image}/review", new { accept, comment });
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
    }
}
