using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seer.Data;
using Xunit;

namespace Seer.Server.Tests.Security;

/// <summary>The label space is everyone's: an alias that renames a label in use needs an admin and a confirmation.</summary>
public sealed class LabelAliasTests
{
    [Fact]
    public async Task A_relabelling_alias_is_refused_for_a_member_and_without_confirmation_and_a_missing_target_is_refused()
    {
        await using var host = await ServerHost.StartAsync();
        var member = host.Member();
        var admin = host.Admin();
        await PathConfinementTests.ImportVocAsync(host, member, "voc"); // labels include person and bus

        var byMember = await member.PostAsJsonAsync("/api/labels/aliases", new { alias = "bus", canonical = "person", confirm = true });
        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        var unconfirmed = await admin.PostAsJsonAsync("/api/labels/aliases", new { alias = "bus", canonical = "person" });
        Assert.Equal(HttpStatusCode.Conflict, unconfirmed.StatusCode);
        Assert.Contains("confirm", (await unconfirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var nowhere = await member.PostAsJsonAsync("/api/labels/aliases", new { alias = "pedestrian", canonical = "unicorn" });
        Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);
        Assert.Empty(host.Service<Workspace>().Labels.Aliases);

        // A new spelling for an existing label stays open to members.
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsJsonAsync("/api/labels/aliases", new { alias = "pedestrian", canonical = "person" })).StatusCode);

        // Confirmed by an admin, it is taken, and the next import it affects says so.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/labels/aliases", new { alias = "bus", canonical = "person", confirm = true })).StatusCode);
        var accepted = await member.PostAsJsonAsync("/api/datasets/import", new { dataset = "voc2", format = "voc", path = TestPaths.LabelmeVoc });
        long id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var job = await host.WaitJobAsync(member, id);
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.True(job.GetProperty("result").GetProperty("warnings").GetInt32() >= 1);
        var logs = await member.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/logs");
        Assert.Contains(logs.EnumerateArray(), l => l.GetProperty("message").GetString()!.Contains("label 'bus' is renamed to 'person' by the workspace alias", StringComparison.Ordinal));
    }
}
