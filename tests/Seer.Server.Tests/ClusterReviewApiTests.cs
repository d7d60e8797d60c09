using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seer.Tests.Shared;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Hosting.Access;

namespace Seer.Server.Tests;

/// <summary>
/// Issue 21, cluster review over the API: list a clustered version's clusters (size, cohesion, members), merge, split
/// (to a new cluster, to unlabelled) and drop, each a new version with the source as its parent; bad requests write
/// nothing; the routes follow the dataset's owner and visibility.
/// </summary>
public sealed class ClusterReviewApiTests
{
    private static Dictionary<string, JsonElement> ByName(JsonElement list) =>
        list.GetProperty("clusters").EnumerateArray().ToDictionary(c => c.GetProperty("cluster").GetString()!);

    private static int[] Members(JsonElement cluster) => cluster.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("index").GetInt32()).Order().ToArray();

    [Fact]
    public async Task Clusters_AreListed_Merged_Split_AndDropped_EachAsANewVersion_AndBadRequestsWriteNothing()
    {
        await using var host = await ServerHost.StartAsync();
        var ws = host.Service<Workspace>();
        string v0 = await ClusteredPool.WriteAsync(ws, "pool");
        host.Service<ResourceAccess>().Claim(ResourceKinds.Dataset, "pool", "admin");
        var admin = host.Admin();

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/datasets/pool/clusters");
        Assert.Equal(v0, list.GetProperty("version").GetString());
        Assert.Equal(10, list.GetProperty("images").GetInt32());
        Assert.Equal(9, list.GetProperty("clustered").GetInt32());
        Assert.Equal(1, list.GetProperty("unclustered").GetInt32());
        Assert.Equal(["cluster-0001", "cluster-0002", "cluster-0003"], list.GetProperty("clusters").EnumerateArray().Select(c => c.GetProperty("cluster").GetString()));
        var c = ByName(list);
        Assert.Equal([0, 1, 3, 7], Members(c["cluster-0001"]));
        Assert.Equal(4, c["cluster-0001"].GetProperty("size").GetInt32());
        Assert.Equal(0.91, c["cluster-0001"].GetProperty("cohesion").GetDouble(), 6);
        var strip = await admin.GetFromJsonAsync<JsonElement>("/api/datasets/pool/clusters?strip=2");
        Assert.Equal(2, ByName(strip)["cluster-0001"].GetProperty("members").GetArrayLength());
        Assert.Equal(4, ByName(strip)["cluster-0001"].GetProperty("size").GetInt32());
        var one = await admin.GetFromJsonAsync<JsonElement>("/api/datasets/pool/clusters/cluster-0002");
        Assert.Equal([2, 5, 9], Members(one.GetProperty("cluster")));

        // Merge 1 and 3: 3's members join 1; 1's cohesion is no longer known, 2's is carried forward.
        var merge = await admin.PostAsJsonAsync("/api/datasets/pool/clusters/merge", new { clusters = new[] { "cluster-0001", "cluster-0003" } });
        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        string v1 = (await merge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("versions")[0].GetProperty("version").GetString()!;
        var log = ws.Log(DatasetRef.Parse("pool")).First();
        Assert.Equal(("merge-clusters", v1), (log.Operation, log.Version));
        Assert.Equal([v0], log.Parents);
        c = ByName(await admin.GetFromJsonAsync<JsonElement>("/api/datasets/pool/clusters"));
        Assert.Equal(["cluster-0001", "cluster-0002"], c.Keys.Order());
        Assert.Equal([0, 1, 3, 4, 7, 8], Members(c["cluster-0001"]));
        Assert.Equal(JsonValueKind.Null, c["cluster-0001"].GetProperty("cohesion").ValueKind);
        Assert.Equal(0.82, c["cluster-0002"].GetProperty("cohesion").GetDouble(), 6);
        Assert.DoesNotContain("cluster-0003", ws.Metadata.ReadClasses(v1));

        // Split 4 and 8 out to a new cluster: the next free number.
        var split = await admin.PostAsJsonAsync("/api/datasets/pool/clusters/cluster-0001/split", new { indices = new[] { 4, 8 }, to = "new" });
        Assert.Equal(HttpStatusCode.OK, split.StatusCode);
        Assert.Equal("cluster-0004", (await split.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cluster").GetString());
        c = ByName(await admin.GetFromJsonAsync<JsonElement>("/api/datasets/pool/clusters"));
        Assert.Equal([0, 1, 3, 7], Members(c["cluster-0001"]));
        Assert.Equal([4, 8], Members(c["cluster-0004"]));

        // Split one member to unlabelled: it leaves every cluster and is no longer labelled.
        var unl = await admin.PostAsJsonAsync("/api/datasets/pool/clusters/cluster-0001/split", new { indices = new[] { 7 }, to = "unlabelled" });
        Assert.Equal(HttpStatusCode.OK, unl.StatusCode);
        var image7 = await admin.GetFromJsonAsync<JsonElement>("/api/datasets/pool/images/7");
        Assert.False(image7.GetProperty("image").GetProperty("labelled").GetBoolean());
        Assert.Equal(0, image7.GetProperty("image").GetProperty("tags").GetArrayLength());

        // Drop 2: its members stay in the version, unlabelled.
        var drop = await admin.PostAsJsonAsync("/api/datasets/pool/clusters/cluster-0002/drop", new { });
        Assert.Equal(HttpStatusCode.OK, drop.StatusCode);
        var afterDrop = await admin.GetFromJsonAsync<JsonElement>("/api/datasets/pool/clusters");
        Assert.Equal(["cluster-0001", "cluster-0004"], ByName(afterDrop).Keys.Order());
        Assert.Equal(10, afterDrop.GetProperty("images").GetInt32());
        Assert.Equal(5, afterDrop.GetProperty("clustered").GetInt32());

        // Bad requests: a clear 4xx naming the cause, and no new version.
        string head = ws.Log(DatasetRef.Parse("pool")).First().Version;
        async Task Refused(HttpResponseMessage r, HttpStatusCode code, string text)
        {
            Assert.Equal(code, r.StatusCode);
            Assert.Contains(text, (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(head, ws.Log(DatasetRef.Parse("pool")).First().Version);
        }
        await Refused(await admin.PostAsJsonAsync("/api/datasets/pool/clusters/cluster-0001/split", new { indices = new[] { 2 } }), HttpStatusCode.BadRequest, "not a member of cluster-0001");
        await Refused(await admin.PostAsJsonAsync("/api/datasets/pool/clusters/cluster-0001/split", new { indices = new[] { 0 }, to = "elsewhere" }), HttpStatusCode.BadRequest, "not one of: new, unlabelled");
        await Refused(await admin.PostAsJsonAsync("/api/datasets/pool/clusters/cluster-0001/split", new { indices = Array.Empty<int>() }), HttpStatusCode.BadRequest, "at least one image");
        await Refused(await admin.PostAsJsonAsync("/api/datasets/pool/clusters/merge", new { clusters = new[] { "cluster-0001" } }), HttpStatusCode.BadRequest, "at least two");
        await Refused(await admin.PostAsJsonAsync("/api/datasets/pool/clusters/merge", new { clusters = new[] { "cluster-0001", "cluster-0009" } }), HttpStatusCode.NotFound, "cluster 'cluster-0009' is not in pool@");
        await Refused(await admin.PostAsJsonAsync("/api/datasets/pool/clusters/cluster-0002/drop", new { }), HttpStatusCode.NotFound, "cluster 'cluster-0002'");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/datasets/pool/clusters/cluster-0002")).StatusCode);

        // An older version is still reviewable by reference; a version without clusters lists none.
        Assert.Equal(3, (await admin.GetFromJsonAsync<JsonElement>($"/api/datasets/pool@{v0}/clusters")).GetProperty("clusters").GetArrayLength());
    }

    [Fact]
    public async Task ClusterRoutes_FollowTheDatasetsOwnerAndVisibility()
    {
        await using var host = await ServerHost.StartAsync();
        var ws = host.Service<Workspace>();
        await ClusteredPool.WriteAsync(ws, "private-pool");
        host.Service<ResourceAccess>().Claim(ResourceKinds.Dataset, "private-pool", "admin");
        var member = host.Member();
        string head = ws.Log(DatasetRef.Parse("private-pool")).First().Version;

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().GetAsync("/api/datasets/private-pool/clusters")).StatusCode);
        // Private: a member sees nothing (404, as for a dataset that does not exist) and changes nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/api/datasets/private-pool/clusters")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.PostAsJsonAsync("/api/datasets/private-pool/clusters/merge", new { clusters = new[] { "cluster-0001", "cluster-0002" } })).StatusCode);
        // Shared: the member reads, but may not write a version of someone else's dataset (403); into their own dataset they may.
        Assert.Equal(HttpStatusCode.OK, (await host.Admin().PostAsJsonAsync("/api/datasets/private-pool/share", new { shared = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/datasets/private-pool/clusters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync("/api/datasets/private-pool/clusters/merge", new { clusters = new[] { "cluster-0001", "cluster-0002" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync("/api/datasets/private-pool/clusters/cluster-0001/drop", new { })).StatusCode);
        Assert.Equal(head, ws.Log(DatasetRef.Parse("private-pool")).First().Version);
        var own = await member.PostAsJsonAsync("/api/datasets/private-pool/clusters/cluster-0003/drop", new { target = "members-review" });
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(2, (await member.GetFromJsonAsync<JsonElement>("/api/datasets/members-review/clusters")).GetProperty("clusters").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await host.As(host.AdminToken).GetAsync("/api/datasets/members-review/clusters/cluster-0003")).StatusCode);
    }
}
