using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Seer.Server.Tests.Security;

/// <summary>Server-side paths are confined to HOME/imports, HOME/exports and the folders an admin allows.</summary>
public sealed class PathConfinementTests
{
    [Fact]
    public async Task A_member_cannot_import_from_etc_directly_or_through_a_link()
    {
        await using var host = await ServerHost.StartAsync();
        var member = host.Member();
        var direct = await member.PostAsJsonAsync("/api/datasets/import", new { dataset = "loot", format = "voc", path = "/etc" });
        Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode);

        string link = Path.Combine(host.Home, "imports", "innocent");
        File.CreateSymbolicLink(link, "/etc");
        var viaLink = await member.PostAsJsonAsync("/api/datasets/import", new { dataset = "loot", format = "voc", path = link });
        Assert.Equal(HttpStatusCode.Forbidden, viaLink.StatusCode);
        var nested = await member.PostAsJsonAsync("/api/datasets/import", new { dataset = "loot", format = "voc", path = link + "/ssl" });
        Assert.Equal(HttpStatusCode.Forbidden, nested.StatusCode);

        // A file outside the roots: forbidden whether it exists or not, so existence is not told.
        var missing = await member.PostAsJsonAsync("/api/datasets/import", new { dataset = "loot", format = "voc", path = "/etc/no-such-thing" });
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Empty((await host.Admin().GetFromJsonAsync<JsonElement>("/api/jobs")).EnumerateArray());
    }

    [Fact]
    public async Task An_evaluation_of_etc_shadow_is_refused_and_errors_never_show_file_contents()
    {
        await using var host = await ServerHost.StartAsync();
        var member = host.Member();
        var shadow = await member.PostAsJsonAsync("/api/jobs", new
        {
            kind = "evaluation",
            parameters = new { ground_truth = "/etc/shadow", results = "/etc/shadow" },
        });
        Assert.Equal(HttpStatusCode.Forbidden, shadow.StatusCode);
        string body = await shadow.Content.ReadAsStringAsync();
        Assert.DoesNotContain(host.Home, body, StringComparison.Ordinal);

        // A file the member may read but that is not JSON: the error names the position, not the bytes.
        string secret = Path.Combine(host.Home, "imports", "secret.json");
        await File.WriteAllTextAsync(secret, "rosebud is the word");
        var submitted = await member.PostAsJsonAsync("/api/jobs", new { kind = "evaluation", parameters = new { ground_truth = secret, results = secret } });
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = await host.WaitJobAsync(member, (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("failed", job.GetProperty("state").GetString());
        string error = job.GetProperty("error").GetString()!;
        Assert.Contains("malformed JSON", error, StringComparison.Ordinal);
        Assert.DoesNotContain("'r'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("rosebud", error, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Home, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exports_to_etc_or_into_the_workspace_are_refused_and_write_nothing()
    {
        await using var host = await ServerHost.StartAsync();
        var member = host.Member();
        await ImportVocAsync(host, member, "voc");
        string models = Path.Combine(host.Home, "models");
        Directory.CreateDirectory(models);
        var before = Directory.GetFileSystemEntries(host.Home, "*", SearchOption.AllDirectories).Order().ToList();

        foreach (var target in new[] { "/etc/x", Path.Combine(models, "x"), Path.Combine(host.Home, "blobs", "x"), Path.Combine(host.Home, "x"), host.Home + "/exports/../models/y" })
        {
            var response = await member.PostAsJsonAsync("/api/datasets/voc/export", new { format = "voc", output = target });
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{target}: {response.StatusCode}");
        }
        Assert.False(Directory.Exists("/etc/x"));
        Assert.Equal(before, Directory.GetFileSystemEntries(host.Home, "*", SearchOption.AllDirectories).Order().ToList());

        // Even an admin who allows "/" cannot open the workspace's own folders to exports.
        var admin = host.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/settings/AllowedPaths", new { value = "[\"/\"]" })).StatusCode);
        var intoModels = await member.PostAsJsonAsync("/api/datasets/voc/export", new { format = "voc", output = Path.Combine(models, "x") });
        Assert.Equal(HttpStatusCode.Forbidden, intoModels.StatusCode);

        var ok = await member.PostAsJsonAsync("/api/datasets/voc/export", new { format = "voc", output = Path.Combine(host.Home, "exports", "voc-out") });
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        var job = await host.WaitJobAsync(member, (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.True(Directory.Exists(Path.Combine(host.Home, "exports", "voc-out")));
    }

    [Fact]
    public async Task The_AllowedPaths_setting_takes_effect_at_once_and_is_validated()
    {
        await using var host = await ServerHost.StartAsync(options: o => o.AllowedPaths.Clear());
        var member = host.Member();
        var admin = host.Admin();
        var refused = await member.PostAsJsonAsync("/api/datasets/import", new { dataset = "voc", format = "voc", path = TestPaths.LabelmeVoc });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/settings/AllowedPaths", new { value = "relative/folder" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/settings/AllowedPaths", new { value = "[\"/ok\", 3" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutAsJsonAsync("/api/settings/AllowedPaths", new { value = "/" })).StatusCode);
        var set = await admin.PutAsJsonAsync("/api/settings/AllowedPaths", new { value = JsonSerializer.Serialize(new[] { TestPaths.Data("labelme") }) });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var accepted = await member.PostAsJsonAsync("/api/datasets/import", new { dataset = "voc", format = "voc", path = TestPaths.LabelmeVoc });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        // Outside the allowed folder (a sibling under .data) stays refused.
        var sibling = await member.PostAsJsonAsync("/api/datasets/import", new { dataset = "f", format = "idx", path = TestPaths.Data("fashion-mnist") });
        Assert.Equal(HttpStatusCode.Forbidden, sibling.StatusCode);
    }

    internal static async Task ImportVocAsync(ServerHost host, HttpClient client, string dataset)
    {
        var accepted = await client.PostAsJsonAsync("/api/datasets/import", new { dataset, format = "voc", path = TestPaths.LabelmeVoc });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = await host.WaitJobAsync(client, (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
    }
}
