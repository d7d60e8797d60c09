using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using OpenCvSharp;
using Seer.Core.Inference;
using Seer.Hosting.Search;
using Seer.Training.Onnx;
using CvScalar = OpenCvSharp.Scalar;

namespace Seer.Server.Tests;

/// <summary>The compare-and-search API (/api/groups, /api/compare) over HTTP on real stored feature groups.</summary>
public sealed class SearchApiTests
{
    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> OkJson(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<int> Items(HttpClient client, string group) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/groups/{group}")).GetProperty("items").GetInt32();

    [Fact]
    public async Task Groups_CreateAddSearchRemoveDelete_WithRolesAndBadVectors()
    {
        await using var host = await ServerHost.StartAsync();
        var member = host.Member();
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().GetAsync("/api/groups")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().PostAsync("/api/compare", JsonBody("""{"a":[1],"b":[1]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().PostAsync("/api/groups/people/search", JsonBody("""{"vector":[1,0,0]}"""))).StatusCode);

        var created = await member.PostAsync("/api/groups", JsonBody("""{"name":"people","dim":3,"metric":"cosine","index":"exact"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await member.PostAsync("/api/groups", JsonBody("""{"name":"people","dim":3}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/groups", JsonBody("""{"name":"bad","dim":0}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/groups", JsonBody("""{"name":"bad","dim":3,"metric":"manhattan"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsync("/api/groups", JsonBody("""{"name":"graph","dim":2,"metric":"l2","index":"hnsw"}"""))).StatusCode);

        var added = await OkJson(await member.PostAsync("/api/groups/people/items", JsonBody("""
            {"items":[{"id":"ann","vector":[1,0,0],"metadata":"{\"name\":\"Ann\"}"},{"id":"bob","vector":[0,1,0]},{"id":"cy","vector":[0.9,0.1,0]}]}
            """)));
        Assert.Equal(3, added.GetProperty("items_total").GetInt32());

        // Bad vectors: a clear 400 and nothing written (the whole call is refused, good items included).
        var wrongDim = await member.PostAsync("/api/groups/people/items", JsonBody("""{"items":[{"id":"dee","vector":[1,0,0]},{"id":"eve","vector":[1,0]}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, wrongDim.StatusCode);
        Assert.Contains("dimension 2", await wrongDim.Content.ReadAsStringAsync());
        var nan = await member.PostAsync("/api/groups/people/items", JsonBody("""{"items":[{"id":"dee","vector":[1,0,0]},{"id":"eve","vector":[1,"NaN",0]}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, nan.StatusCode);
        Assert.Contains("NaN", await nan.Content.ReadAsStringAsync());
        var noVector = await member.PostAsync("/api/groups/people/items", JsonBody("""{"items":[{"id":"dee"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, noVector.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await member.PostAsync("/api/groups/people/items", JsonBody("""{"items":[{"id":"ann","vector":[1,0,0]}]}"""))).StatusCode);
        Assert.Equal(3, await Items(member, "people"));
        Assert.Equal(HttpStatusCode.NotFound, (await member.PostAsync("/api/groups/nobody/items", JsonBody("""{"items":[{"id":"a","vector":[1]}]}"""))).StatusCode);

        // 1:N: the nearest first; a threshold drops the far ones.
        var one = await OkJson(await member.PostAsync("/api/groups/people/search", JsonBody("""{"vector":[1,0,0],"k":3}""")));
        var hits = one.GetProperty("results")[0].GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(["ann", "cy", "bob"], hits.Select(h => h.GetProperty("id").GetString()));
        Assert.Equal(1.0, hits[0].GetProperty("score").GetDouble(), 5);
        Assert.Equal(0.9 / Math.Sqrt(0.82), hits[1].GetProperty("score").GetDouble(), 5);
        var near = await OkJson(await member.PostAsync("/api/groups/people/search?threshold=0.5", JsonBody("""{"vector":[2,0,0],"k":3}""")));
        Assert.Equal(2, near.GetProperty("results")[0].GetProperty("hits").GetArrayLength());
        // k:N: one result list per query, in order.
        var many = await OkJson(await member.PostAsync("/api/groups/people/search", JsonBody("""{"vectors":[[0,1,0],[1,0.05,0]],"k":1}""")));
        Assert.Equal(["bob", "ann"], many.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("hits")[0].GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/groups/people/search", JsonBody("""{"vector":[1,0]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/groups/people/search", JsonBody("""{"vectors":[[1,0,0],[1,0]]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/groups/people/search", JsonBody("""{"vector":["NaN",0,0]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/groups/people/search", JsonBody("""{"vector":[1,0,0],"k":0}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/groups/people/search", JsonBody("""{"k":3}"""))).StatusCode);

        // Items: read one, remove by id.
        var ann = await member.GetFromJsonAsync<JsonElement>("/api/groups/people/items/ann");
        Assert.Equal("{\"name\":\"Ann\"}", ann.GetProperty("metadata").GetString());
        var removed = await OkJson(await member.DeleteAsync("/api/groups/people/items/cy"));
        Assert.Equal(2, removed.GetProperty("items_total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await member.DeleteAsync("/api/groups/people/items/cy")).StatusCode);

        // L2 + HNSW group: scores are squared distances, the nearest first.
        await OkJson(await member.PostAsync("/api/groups/graph/items", JsonBody("""{"items":[{"id":"o","vector":[0,0]},{"id":"far","vector":[3,4]}]}""")));
        var l2 = await OkJson(await member.PostAsync("/api/groups/graph/search", JsonBody("""{"vector":[3,3],"k":2}""")));
        Assert.Equal("far", l2.GetProperty("results")[0].GetProperty("hits")[0].GetProperty("id").GetString());
        Assert.Equal(1.0, l2.GetProperty("results")[0].GetProperty("hits")[0].GetProperty("score").GetDouble(), 5);

        // List; deleting a group is an admin's.
        var list = await member.GetFromJsonAsync<JsonElement>("/api/groups");
        Assert.Equal(["graph", "people"], list.EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        Assert.Equal(2, list.EnumerateArray().First(g => g.GetProperty("name").GetString() == "people").GetProperty("items").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await member.DeleteAsync("/api/groups/people")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin().DeleteAsync("/api/groups/people")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/api/groups/people")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(host.Home, "search", "people")));
    }

    [Fact]
    public async Task Groups_SurviveARestart()
    {
        string home = TestPaths.TempDir();
        await using (var host = await ServerHost.StartAsync(home))
        {
            Assert.Equal(HttpStatusCode.Created, (await host.Member().PostAsync("/api/groups", JsonBody("""{"name":"kept","dim":2}"""))).StatusCode);
            await OkJson(await host.Member().PostAsync("/api/groups/kept/items", JsonBody("""{"items":[{"id":"a","vector":[1,2]}]}""")));
        }
        await using (var host = await ServerHost.StartAsync(home))
            Assert.Equal(1, await Items(host.Member(), "kept"));
    }

    [Fact]
    public async Task Compare_ScoresAPairAndAppliesTheThreshold()
    {
        await using var host = await ServerHost.StartAsync();
        var member = host.Member();
        var same = await OkJson(await member.PostAsync("/api/compare", JsonBody("""{"a":[1,0,0],"b":[2,0.2,0],"threshold":0.9}""")));
        Assert.Equal("cosine", same.GetProperty("metric").GetString());
        Assert.Equal(2 / Math.Sqrt(4.04), same.GetProperty("score").GetDouble(), 5);
        Assert.True(same.GetProperty("same").GetBoolean());
        var other = await OkJson(await member.PostAsync("/api/compare", JsonBody("""{"a":[1,0,0],"b":[0,1,0],"threshold":0.9}""")));
        Assert.False(other.GetProperty("same").GetBoolean());
        var l2 = await OkJson(await member.PostAsync("/api/compare", JsonBody("""{"a":[0,0],"b":[3,4],"metric":"l2","threshold":30}""")));
        Assert.Equal(25.0, l2.GetProperty("score").GetDouble(), 5);
        Assert.True(l2.GetProperty("same").GetBoolean());
        var noThreshold = await OkJson(await member.PostAsync("/api/compare", JsonBody("""{"a":[1,0],"b":[1,0]}""")));
        Assert.Equal(JsonValueKind.Null, noThreshold.GetProperty("same").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/compare", JsonBody("""{"a":[1,0,0],"b":[1,0]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/compare", JsonBody("""{"a":[1,"NaN"],"b":[1,0]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/compare", JsonBody("""{"a":[0,0],"b":[1,0]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/compare", JsonBody("""{"a":[1,0]}"""))).StatusCode);
    }

    [Fact]
    public async Task Images_AreEmbeddedByAServedModel_ForItemsSearchAndCompare()
    {
        await using var host = await ServerHost.StartAsync();
        // A feature model: the mean of each colour channel (GlobalAveragePool → [N, 3]), served under "colours".
        var g = new OnnxGraphBuilder("meancolour");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, 32, 32]);
        g.AddOutput(g.Reshape(g.GlobalAveragePool(x), -1, 3), "feature", OnnxElementType.Float, [null, 3]);
        string onnx = Path.Combine(host.Home, "meancolour.onnx");
        OnnxModelWriter.Write(g, onnx, new InferenceSpec
        {
            Task = "embed", InputWidth = 32, InputHeight = 32, OutputLayout = OutputLayout.Embedding,
            VerificationThresholds = new Dictionary<string, float> { ["1e-2"] = 0.9f, ["1e-3"] = 0.999f },
        }.ToProperties());
        Assert.Equal(HttpStatusCode.Created, (await host.Admin().PostAsJsonAsync("/api/models", new { name = "colours", onnx_path = onnx })).StatusCode);
        var member = host.Member();
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsync("/api/groups", JsonBody("""{"name":"swatches","dim":3}"""))).StatusCode);

        static ByteArrayContent Png(int size, CvScalar colour)
        {
            using var mat = new Mat(size, size, MatType.CV_8UC3, colour);
            return new ByteArrayContent(mat.ImEncode(".png"));
        }
        using var form = new MultipartFormDataContent
        {
            { new StringContent("colours"), "model" },
            { Png(48, new CvScalar(0, 0, 250)), "image", "red.png" },
            { Png(48, new CvScalar(0, 250, 0)), "image", "green.png" },
            { Png(48, new CvScalar(250, 0, 0)), "image", "blue.png" },
        };
        var added = await OkJson(await member.PostAsync("/api/groups/swatches/items", form));
        Assert.Equal(3, added.GetProperty("items_total").GetInt32());

        using var query = new MultipartFormDataContent
        {
            { new StringContent("colours"), "model" }, { new StringContent("2"), "k" },
            { Png(40, new CvScalar(10, 20, 230)), "image", "reddish.png" },
            { Png(40, new CvScalar(200, 30, 0)), "image", "bluish.png" },
        };
        var found = await OkJson(await member.PostAsync("/api/groups/swatches/search", query));
        var results = found.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["red.png", "blue.png"], results.Select(r => r.GetProperty("hits")[0].GetProperty("id").GetString()));
        Assert.Equal("reddish.png", results[0].GetProperty("name").GetString());
        Assert.Equal(2, results[0].GetProperty("hits").GetArrayLength());

        using var pair = new MultipartFormDataContent
        {
            { new StringContent("colours"), "model" }, { new StringContent("0.99"), "threshold" },
            { Png(40, new CvScalar(0, 0, 250)), "image", "a.png" }, { Png(64, new CvScalar(0, 0, 240)), "image", "b.png" },
        };
        var compared = await OkJson(await member.PostAsync("/api/compare", pair));
        Assert.True(compared.GetProperty("same").GetBoolean());
        Assert.Equal("request", compared.GetProperty("threshold_source").GetString());

        // No threshold: the model's calibrated one for the FAR (default 1e-3).
        using var calibrated = new MultipartFormDataContent
        {
            { new StringContent("colours"), "model" },
            { Png(40, new CvScalar(0, 0, 250)), "image", "a.png" }, { Png(64, new CvScalar(0, 40, 240)), "image", "b.png" },
        };
        var strict = await OkJson(await member.PostAsync("/api/compare", calibrated));
        Assert.Equal("model", strict.GetProperty("threshold_source").GetString());
        Assert.Equal("1e-3", strict.GetProperty("far").GetString());
        Assert.Equal(0.999, strict.GetProperty("threshold").GetDouble(), 5);
        Assert.False(strict.GetProperty("same").GetBoolean()); // cosine of (0,0,250) and (0,40,240) is 0.986
        var loose = await OkJson(await member.PostAsync("/api/compare", JsonBody("""{"a":[0,0,1],"b":[0,0.16,0.96],"model":"colours","far":"1e-2"}""")));
        Assert.Equal(0.9, loose.GetProperty("threshold").GetDouble(), 5);
        Assert.True(loose.GetProperty("same").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/compare", JsonBody("""{"a":[0,0,1],"b":[0,1,0],"model":"colours","far":"1e-4"}"""))).StatusCode);

        // Not an embed model / no model field / unknown model: clear errors, nothing written.
        using var noModel = new MultipartFormDataContent { { Png(32, new CvScalar(0, 0, 250)), "image", "x.png" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/api/groups/swatches/items", noModel)).StatusCode);
        using var unknown = new MultipartFormDataContent { { new StringContent("nope"), "model" }, { Png(32, new CvScalar(0, 0, 250)), "image", "x.png" } };
        Assert.Equal(HttpStatusCode.NotFound, (await member.PostAsync("/api/groups/swatches/items", unknown)).StatusCode);
        Assert.Equal(3, await Items(member, "swatches"));
    }

    [Fact]
    public void Access_ReadOnlyRolesMayReadButNotWrite()
    {
        static ClaimsPrincipal User(string role) =>
            new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "u"), new Claim(ClaimTypes.Role, role)], "test"));
        var viewer = User("viewer");
        Assert.True(FeatureGroupAccess.CanRead(viewer, "g"));
        Assert.False(FeatureGroupAccess.CanWrite(viewer, "g"));
        var error = Assert.Throws<Seer.Core.Errors.SeerException>(() => FeatureGroupAccess.DemandWrite(viewer, "g"));
        Assert.Equal("forbidden", error.Code);
        Assert.True(FeatureGroupAccess.CanWrite(User("member"), "g"));
        Assert.False(FeatureGroupAccess.CanDelete(User("member"), "g"));
        Assert.True(FeatureGroupAccess.CanDelete(User("admin"), "g"));
        Assert.False(FeatureGroupAccess.CanRead(new ClaimsPrincipal(new ClaimsIdentity()), "g"));
    }
}
