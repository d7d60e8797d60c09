using System.Net.Http.Json;
using Seer.Hosting.Search;
using Seer.Tests.BadInput;

namespace Seer.Server.Tests.BadInput;

/// <summary>
/// One server for the whole bad-input replay: the seeded workspace of <see cref="BadInputFixture"/> copied into a fresh
/// home, an admin and a member, and the fixture's classifier served as <see cref="ServerReplay.Model"/> and shared with
/// members. Each case builds its input in HOME/imports/NAME and must leave the workspace intact for the next.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BadInputServer : IAsyncLifetime
{
    private ServerHost? _host;

    public BadInputFixture Fixture { get; } = new();

    public ServerHost Host => _host ?? throw new InvalidOperationException("the server is not started");

    public string Home => Path.Combine(Fixture.Root, "server-home");

    /// <summary>The feature group's ids as the running server holds them.</summary>
    public IEnumerable<string> GroupIds() => Host.Service<FeatureGroupHost>().Get("g").Ids();

    public async Task InitializeAsync()
    {
        CaseWorkspace.CopyTemplate(Fixture, Home);
        _host = await ServerHost.StartAsync(Home);
        var admin = _host.Admin();
        var served = await admin.PostAsJsonAsync("/api/models", new { name = ServerReplay.Model, onnx_path = Fixture.Model });
        Assert.True(served.IsSuccessStatusCode, await served.Content.ReadAsStringAsync());
        (await admin.PostAsJsonAsync($"/api/models/{ServerReplay.Model}/share", new { shared = true })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        Fixture.Dispose();
    }
}
