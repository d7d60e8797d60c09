using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seer.Hosting.Access;
using Seer.Hosting.Accounts;
using Seer.Hosting.Jobs;
using Xunit;

namespace Seer.Server.Tests.Security;

/// <summary>Datasets, models and jobs have an owner and a visibility; what another member may not see is a 404.</summary>
public sealed class OwnershipTests
{
    [Theory]
    [MemberData(nameof(ServerHost.Backends), MemberType = typeof(ServerHost))]
    public async Task Another_members_private_dataset_is_not_found_until_shared(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        var owner = host.Member();
        var other = host.As(AddMember(host, "mallory"));
        await PathConfinementTests.ImportVocAsync(host, owner, "voc");

        Assert.DoesNotContain("voc", Names(await other.GetFromJsonAsync<JsonElement>("/api/datasets")));
        foreach (var route in new[] { "/api/datasets/voc", "/api/datasets/voc/versions", "/api/datasets/voc/lineage", "/api/datasets/voc/stats", "/api/datasets/voc/images", "/api/datasets/voc/images/random" })
            Assert.True((await other.GetAsync(route)).StatusCode == HttpStatusCode.NotFound, route);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync("/api/datasets/voc/export", new { format = "voc", output = Path.Combine(host.Home, "exports", "stolen") })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync("/api/jobs", new { kind = "training", parameters = new { train = "voc" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync("/api/datasets/import", new { dataset = "voc", format = "voc", path = TestPaths.LabelmeVoc })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/api/datasets/voc/share", null)).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(host.Home, "exports", "stolen")));

        // A 404 for a missing dataset names no dataset the caller cannot open.
        var missing = await other.GetAsync("/api/datasets/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.DoesNotContain("voc", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The admin sees it; the owner shares it; then the other member reads it but may not write to it.
        Assert.Contains("voc", Names(await host.Admin().GetFromJsonAsync<JsonElement>("/api/datasets")));
        var shared = await owner.PostAsync("/api/datasets/voc/share", null);
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        Assert.True((await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shared").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/datasets/voc/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync("/api/datasets/import", new { dataset = "voc", format = "voc", path = TestPaths.LabelmeVoc })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync("/api/datasets/voc/share", null)).StatusCode);
    }

    [Fact]
    public async Task An_image_blob_is_readable_only_through_a_dataset_the_caller_can_see()
    {
        await using var host = await ServerHost.StartAsync();
        var owner = host.Member();
        var other = host.As(AddMember(host, "mallory"));
        await PathConfinementTests.ImportVocAsync(host, owner, "voc");
        var images = await owner.GetFromJsonAsync<JsonElement>("/api/datasets/voc/images");
        string hash = images.GetProperty("images")[0].GetProperty("hash").GetString()!;
        string[] routes = [$"/api/blobs/{hash}", $"/api/blobs/{hash}/thumbnail?size=32"];

        foreach (var route in routes)
        {
            Assert.True((await owner.GetAsync(route)).StatusCode == HttpStatusCode.OK, route);
            Assert.True((await host.Admin().GetAsync(route)).StatusCode == HttpStatusCode.OK, route);
            var refused = await other.GetAsync(route);
            Assert.True(refused.StatusCode == HttpStatusCode.NotFound, route);
            // The same answer as for a hash nobody stored.
            var unknown = await other.GetAsync(route.Replace(hash, new string('0', 64), StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        // A blob no dataset refers to (stored, never committed): admins only.
        var loose = await host.Service<Seer.Data.Workspace>().Blobs.PutAsync(new MemoryStream([1, 2, 3, 4]), CancellationToken.None);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/blobs/{loose.Sha256}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Admin().GetAsync($"/api/blobs/{loose.Sha256}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync("/api/datasets/voc/share", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(routes[0])).StatusCode);
    }

    [Fact]
    public async Task Another_members_private_feature_group_is_not_found_until_shared_and_then_read_only()
    {
        await using var host = await ServerHost.StartAsync();
        var owner = host.Member();
        var other = host.As(AddMember(host, "mallory"));
        var json = (string text) => new StringContent(text, System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsync("/api/groups", json("""{"name":"people","dim":2,"index":"exact"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync("/api/groups/people/items", json("""{"items":[{"id":"ann","vector":[1,0]}]}"""))).StatusCode);

        Assert.DoesNotContain("people", Names(await other.GetFromJsonAsync<JsonElement>("/api/groups")));
        foreach (var route in new[] { "/api/groups/people", "/api/groups/people/items/ann" })
            Assert.True((await other.GetAsync(route)).StatusCode == HttpStatusCode.NotFound, route);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/api/groups/people/search", json("""{"vector":[1,0]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/api/groups/people/items", json("""{"items":[{"id":"eve","vector":[0,1]}]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync("/api/groups/people/items/ann")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/api/groups/people/share", null)).StatusCode);
        Assert.Contains("people", Names(await host.Admin().GetFromJsonAsync<JsonElement>("/api/groups")));
        Assert.Equal(HttpStatusCode.OK, (await host.Admin().GetAsync("/api/groups/people")).StatusCode);

        // Shared: every member reads and searches it; only its owner or an admin changes it.
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync("/api/groups/people/share", null)).StatusCode);
        Assert.Contains("people", Names(await other.GetFromJsonAsync<JsonElement>("/api/groups")));
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsync("/api/groups/people/search", json("""{"vector":[1,0]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync("/api/groups/people/items", json("""{"items":[{"id":"eve","vector":[0,1]}]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync("/api/groups/people/share", json("""{"shared":false}"""))).StatusCode);
        Assert.Equal(1, (await owner.GetFromJsonAsync<JsonElement>("/api/groups/people")).GetProperty("items").GetInt32());

        // Deleted (an admin's), the name is free: whoever makes it next owns it.
        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin().DeleteAsync("/api/groups/people")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsync("/api/groups", json("""{"name":"people","dim":2,"index":"exact"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync("/api/groups/people")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/groups/people")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(ServerHost.Backends), MemberType = typeof(ServerHost))]
    public async Task Another_members_job_is_hidden_and_only_its_owner_or_an_admin_cancels_or_retries_it(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        var owner = host.Member();
        var other = host.As(AddMember(host, "mallory"));
        // A failing import (the folder holds no VOC data) gives a finished job to retry.
        string empty = Path.Combine(host.Home, "imports", "empty");
        Directory.CreateDirectory(empty);
        var submitted = await owner.PostAsJsonAsync("/api/datasets/import", new { dataset = "mine", format = "voc", path = empty });
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        long id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var done = await host.WaitAsync(id, j => JobStates.IsFinal(j.State));

        Assert.DoesNotContain(id, Ids(await other.GetFromJsonAsync<JsonElement>("/api/jobs")));
        Assert.Contains(id, Ids(await owner.GetFromJsonAsync<JsonElement>("/api/jobs")));
        Assert.Contains(id, Ids(await host.Admin().GetFromJsonAsync<JsonElement>("/api/jobs")));
        foreach (var route in new[] { $"/api/jobs/{id}", $"/api/jobs/{id}/logs", $"/api/jobs/{id}/wait?timeout=0", $"/api/jobs/{id}/curves" })
            Assert.True((await other.GetAsync(route)).StatusCode == HttpStatusCode.NotFound, route);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/jobs/{id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/jobs/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/jobs/{id}/share", null)).StatusCode);

        // Shared: visible, but still only the owner or an admin retries it.
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/jobs/{id}/share", null)).StatusCode);
        Assert.Contains(id, Ids(await other.GetFromJsonAsync<JsonElement>("/api/jobs")));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"/api/jobs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/jobs/{id}/retry", null)).StatusCode);
        Assert.Equal(JobState.Failed, done.State);
        Assert.Equal(HttpStatusCode.Accepted, (await owner.PostAsync($"/api/jobs/{id}/retry", null)).StatusCode);
    }

    [Fact]
    public async Task A_job_is_checked_again_when_it_runs()
    {
        await using var host = await ServerHost.StartAsync();
        var owner = host.Member();
        var other = host.As(AddMember(host, "mallory"));
        await PathConfinementTests.ImportVocAsync(host, owner, "voc");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync("/api/datasets/voc/share", null)).StatusCode);
        // Submitted while shared, straight into the queue (as a job waiting behind others would be), un-shared before it runs.
        var queue = host.Service<IJobQueue>();
        var access = host.Service<ResourceAccess>();
        access.Share(ResourceKinds.Dataset, "voc", access.CallerOf("member"), shared: false);
        var job = queue.Enqueue(new JobRequest("export", JsonSerializer.SerializeToElement(new { dataset = "voc", format = "voc", output = Path.Combine(host.Home, "exports", "late") }), "mallory"));
        var done = await host.WaitAsync(job.Id, j => JobStates.IsFinal(j.State));
        Assert.Equal(JobState.Failed, done.State);
        Assert.Contains("does not exist (or is not shared with you)", done.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Home, "exports", "late")));
        _ = other;
    }

    [Fact]
    public async Task Another_members_private_trained_model_is_not_found()
    {
        await using var host = await ServerHost.StartAsync();
        // A model id owned by the member (as a training job claims it), with no registry entry visible to mallory.
        var access = host.Service<ResourceAccess>();
        var other = host.As(AddMember(host, "mallory"));
        access.Claim(ResourceKinds.Model, "m-private", "member");
        Assert.False(access.CanSee(ResourceKinds.Model, "m-private", access.CallerOf("mallory")));
        Assert.True(access.CanSee(ResourceKinds.Model, "m-private", access.CallerOf("member")));
        Assert.True(access.CanSee(ResourceKinds.Model, "m-private", access.CallerOf("admin")));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/trained-models/m-private")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync("/api/trained-models/m-private/evaluate", new { dataset = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/api/models/m-private/share", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/models/m-private")).StatusCode);
    }

    internal static string AddMember(ServerHost host, string name)
    {
        var accounts = host.Service<AccountStore>();
        accounts.AddUser(name, UserRole.Member, name + "-password-1");
        return accounts.CreateToken(name);
    }

    private static List<string> Names(JsonElement list) => list.EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToList();

    private static List<long> Ids(JsonElement list) => list.EnumerateArray().Select(d => d.GetProperty("id").GetInt64()).ToList();
}
