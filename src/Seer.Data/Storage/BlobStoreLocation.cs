using Seer.Core.Errors;

namespace Seer.Data.Storage;

/// <summary>
/// Where a workspace keeps its blobs: null/empty = the workspace folder's <c>blobs/</c> (files), or
/// <c>s3://BUCKET[/PREFIX]?endpoint=http://HOST:PORT[&amp;region=REGION]</c> with the standard
/// <c>AWS_ACCESS_KEY_ID</c> / <c>AWS_SECRET_ACCESS_KEY</c> variables. Read from <c>SEER_BLOBS</c> (the CLI's
/// <c>--blobs</c> sets it for its process).
/// </summary>
public sealed record BlobStoreLocation(string Bucket, string Prefix, Uri? Endpoint, string Region, string AccessKey, string SecretKey)
{
    public const string Variable = "SEER_BLOBS";

    /// <summary>The S3 location SEER_BLOBS names, or null when it is unset (files in the workspace).</summary>
    public static BlobStoreLocation? FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(Variable);
        return string.IsNullOrWhiteSpace(value) ? null : Parse(value, Variable);
    }

    /// <summary>
    /// Parses an <c>s3://</c> URL; <paramref name="source"/> names where it came from in errors. The credentials are
    /// the given ones, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
    /// </summary>
    public static BlobStoreLocation Parse(string value, string source = "--blobs", string? accessKey = null, string? secretKey = null)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != "s3" || string.IsNullOrEmpty(uri.Host))
            throw new SeerException(ErrorCodes.InvalidOptions,
                $"{source}='{value}' is not an S3 location; expected s3://BUCKET[/PREFIX]?endpoint=http://HOST:PORT", source);
        string bucket = uri.Host;
        string prefix = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/');
        prefix = prefix.Length == 0 ? "blobs/" : prefix + "/";
        Uri? endpoint = null;
        string region = "us-east-1";
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            string v = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key)
            {
                case "endpoint":
                    if (!Uri.TryCreate(v, UriKind.Absolute, out endpoint) || (endpoint.Scheme != "http" && endpoint.Scheme != "https"))
                        throw new SeerException(ErrorCodes.InvalidOptions, $"{source}: endpoint '{v}' is not an http(s) URL", source);
                    break;
                case "region":
                    region = v;
                    break;
                default:
                    throw new SeerException(ErrorCodes.InvalidOptions,
                        $"{source}: unknown parameter '{key}' in '{value}' (known: endpoint, region)", source);
            }
        }
        string? access = accessKey ?? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        string? secret = secretKey ?? Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(access) || string.IsNullOrEmpty(secret))
            throw new SeerException(ErrorCodes.InvalidOptions,
                $"{source}='{value}' needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment", source);
        return new BlobStoreLocation(bucket, prefix, endpoint, region, access, secret);
    }

    /// <summary>The location as a URL without credentials (for messages and logs).</summary>
    public override string ToString() =>
        $"s3://{Bucket}/{Prefix.TrimEnd('/')}" + (Endpoint is null ? "" : $"?endpoint={Endpoint.GetLeftPart(UriPartial.Authority)}");
}
