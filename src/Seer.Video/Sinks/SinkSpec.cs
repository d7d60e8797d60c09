using System.Text;
using Seer.Core.Errors;
using Seer.Core.Net;
using Seer.Data;
using Seer.Video.Pipeline;

namespace Seer.Video.Sinks;

/// <summary>What sinks may need from their host: the workspace (dataset sinks), the URL policy and signing key (webhooks).</summary>
public sealed record SinkContext
{
    /// <summary>Opens the workspace for dataset sinks (the caller disposes it after the sinks).</summary>
    public Func<Workspace>? OpenWorkspace { get; init; }
    public OutboundUrlPolicy UrlPolicy { get; init; } = new();
    /// <summary>Webhook HMAC key (the CLI reads SEER_WEBHOOK_SECRET).</summary>
    public byte[]? WebhookSecret { get; init; }
    public WebhookOptions Webhook { get; init; } = new();
}

/// <summary>
/// Parses the sink forms of <c>--sink</c> and of the server's stream configurations: <c>disk:DIR</c>, <c>webhook:URL</c>,
/// <c>mqtt://HOST:PORT/TOPIC</c>, <c>dataset:NAME</c>.
/// </summary>
public static class SinkSpec
{
    /// <summary>Checks a spec's form without opening anything (for validating stored configurations).</summary>
    public static void Validate(string spec)
    {
        if (spec.StartsWith("disk:", StringComparison.Ordinal) && spec.Length > 5) return;
        if (spec.StartsWith("webhook:", StringComparison.Ordinal) && Uri.TryCreate(spec[8..], UriKind.Absolute, out var u) && u.Scheme is "http" or "https") return;
        if (spec.StartsWith("mqtt://", StringComparison.Ordinal) && Uri.TryCreate(spec, UriKind.Absolute, out var m) && m.AbsolutePath.Length > 1) return;
        if (spec.StartsWith("dataset:", StringComparison.Ordinal)) { Workspace.ValidateDatasetName(spec[8..]); return; }
        throw new SeerException(ErrorCodes.InvalidOptions, $"--sink '{spec}' is not one of disk:DIR, webhook:URL, mqtt://HOST:PORT/TOPIC, dataset:NAME");
    }

    public static async Task<ISnapshotSink> OpenAsync(string spec, SinkContext context, CancellationToken cancellationToken)
    {
        Validate(spec);
        if (spec.StartsWith("disk:", StringComparison.Ordinal)) return new DiskSink(spec[5..]);
        if (spec.StartsWith("webhook:", StringComparison.Ordinal))
            return await WebhookSink.CreateAsync(spec[8..], context.UrlPolicy, context.Webhook with { Secret = context.WebhookSecret }, cancellationToken).ConfigureAwait(false);
        if (spec.StartsWith("mqtt://", StringComparison.Ordinal)) return await MqttSink.ConnectAsync(spec, cancellationToken).ConfigureAwait(false);
        var open = context.OpenWorkspace ?? throw new SeerException(ErrorCodes.InvalidOptions, "dataset sinks need a workspace");
        return new DatasetSink(open(), spec[8..], ownsWorkspace: true);
    }

    /// <summary>The webhook key from an environment variable's value (UTF-8), or null when unset.</summary>
    public static byte[]? SecretFrom(string? value) => string.IsNullOrEmpty(value) ? null : Encoding.UTF8.GetBytes(value);
}
