using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Core.Net;
using Seer.Data;
using Seer.Hosting;
using Seer.Hosting.Access;
using Seer.Server.Auth;
using Seer.Video.Pipeline;
using Seer.Video.Sinks;

namespace Seer.Server.Api;

/// <summary>
/// /api/streams: video streams analysed by the server (Seer.Video's <see cref="StreamManager"/>). Admins create, start,
/// stop and delete; a stream is private to its creator until shared (POST /api/streams/{id}/share), then every member
/// lists it and reads its health and latest snapshots (<see cref="OwnedRoutes"/>; admins see all). Configurations persist in
/// HOME/video/streams.json and running streams start again with the server. The model is a served model's name
/// (/api/models; a detector or a face bundle), as are "attributes" (a classifier) and "features" (an embed model), checked
/// when the configuration is submitted (<see cref="StreamModels"/>); file sources and disk sinks must be paths the
/// server's path policy allows.
/// </summary>
public static class StreamEndpoints
{
    /// <summary>Registers the stream manager and the hosted service that restores running streams at start-up.</summary>
    public static IServiceCollection AddSeerStreams(this IServiceCollection services)
    {
        services.AddSingleton<StreamModels>();
        services.AddSingleton(sp =>
        {
            string home = sp.GetRequiredService<IOptions<HostingOptions>>().Value.Home;
            var models = sp.GetRequiredService<StreamModels>();
            var context = new SinkContext
            {
                OpenWorkspace = () => Workspace.Open(home),
                WebhookSecret = SinkSpec.SecretFrom(Environment.GetEnvironmentVariable("SEER_WEBHOOK_SECRET")),
                UrlPolicy = new OutboundUrlPolicy(),
            };
            return new StreamManager(Path.Combine(home, "video", "streams.json"), models.Open, context);
        });
        services.AddHostedService<StreamHost>();
        return services;
    }

    private sealed class StreamHost(StreamManager manager) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => manager.RestoreAsync(cancellationToken);
        public async Task StopAsync(CancellationToken cancellationToken) => await manager.DisposeAsync().ConfigureAwait(false);
    }

    public static void Map(RouteGroupBuilder api)
    {
        var streams = api.MapGroup("/streams").WithTags("streams")
            .Owned(ResourceKinds.Stream, "id", r => HttpMethods.IsGet(r.Method), (sp, id) => sp.GetRequiredService<StreamManager>().Get(id));
        streams.MapGet("", (StreamManager m, HttpContext http) => OwnedRoutes.Visible(http, ResourceKinds.Stream, m.List(), s => s.Config.Id));
        streams.MapGet("/{id}", (string id, StreamManager m) => m.Get(id));
        streams.MapGet("/{id}/health", (string id, StreamManager m) =>
            m.Get(id).Health ?? new StreamHealth { Stream = id, State = "stopped" });
        streams.MapGet("/{id}/snapshots", (string id, StreamManager m) =>
            m.Snapshots(id).Select(s => new { seq = s.Seq, @event = s.Event }));
        streams.MapGet("/{id}/snapshots/{seq:long}/{image}", (string id, long seq, string image, StreamManager m) =>
        {
            var s = m.Snapshot(id, seq) ?? throw new SeerException(ErrorCodes.NotFound, $"snapshot {seq} of stream '{id}' is not among the latest");
            return image switch
            {
                "crop.jpg" => Results.File(s.CropJpeg, "image/jpeg"),
                "frame.jpg" => Results.File(s.FrameJpeg, "image/jpeg"),
                _ => throw new SeerException(ErrorCodes.NotFound, $"'{image}' is not crop.jpg or frame.jpg"),
            };
        });
        streams.MapPost("", async (StreamConfig body, StreamManager m, PathPolicy paths, StreamModels models, HttpContext http, CancellationToken ct) =>
        {
            if (!FfmpegProbe.IsNetwork(body.Source)) body = body with { Source = paths.CheckReadable(body.Source) };
            models.Check(body); // served, and fit for their fields (400 otherwise)
            foreach (var sink in body.Sinks ?? [])
                if (sink.StartsWith("disk:", StringComparison.Ordinal))
                {
                    string dir = sink[5..];
                    if (Directory.Exists(dir)) paths.CheckReadable(dir); else paths.CheckWritable(dir);
                }
            var created = await m.CreateAsync(body, ct).ConfigureAwait(false);
            OwnedRoutes.Claim(http, ResourceKinds.Stream, created.Id);
            return Results.Created($"/api/streams/{created.Id}", m.Get(created.Id));
        }).RequireAuthorization(SeerAuth.AdminPolicy);
        streams.MapPost("/{id}/start", (string id, StreamManager m, CancellationToken ct) => m.StartAsync(id, ct)).RequireAuthorization(SeerAuth.AdminPolicy);
        streams.MapPost("/{id}/stop", (string id, StreamManager m, CancellationToken ct) => m.StopAsync(id, ct)).RequireAuthorization(SeerAuth.AdminPolicy);
        streams.MapDelete("/{id}", async (string id, StreamManager m, CancellationToken ct) =>
        {
            await m.DeleteAsync(id, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).RequireAuthorization(SeerAuth.AdminPolicy);
    }
}
