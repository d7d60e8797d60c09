using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Seer.Core.Errors;
using Seer.Core.Net;
using Seer.Video.Pipeline;

namespace Seer.Video.Sinks;

/// <summary>Settings of a <see cref="WebhookSink"/>.</summary>
public sealed record WebhookOptions
{
    /// <summary>Snapshots waiting to be delivered; when full, new snapshots are dropped and counted (default 256).</summary>
    public int QueueCapacity { get; init; } = 256;
    /// <summary>First and longest wait between attempts of one delivery (doubling in between).</summary>
    public TimeSpan RetryMin { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How long closing the sink waits for the queue to drain before giving up on what is left (default 30 s).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>HMAC-SHA256 key; when set every request carries <c>X-Seer-Signature: sha256=HEX</c> over the exact body.</summary>
    public byte[]? Secret { get; init; }
}

/// <summary>
/// <c>webhook:URL</c>: each snapshot is POSTed as one JSON object (the snapshot event with <c>crop</c> and <c>frame</c> as
/// base64 JPEG), <c>Content-Type: application/json</c>, signed with HMAC-SHA256 in <c>X-Seer-Signature: sha256=HEX</c>
/// when a secret is set. Deliveries go through a bounded queue (new snapshots are dropped and counted when it is full,
/// so a dead receiver never stalls analysis) to one sender that retries each snapshot with exponential backoff until
/// the receiver answers 2xx — order is kept and nothing under the bound is lost while the receiver recovers. The URL is
/// checked by <see cref="OutboundUrlPolicy"/> when the sink is created and again at every connect.
/// </summary>
public sealed class WebhookSink : ISnapshotSink
{
    private readonly Uri _url;
    private readonly OutboundUrlPolicy _policy;
    private readonly WebhookOptions _o;
    private readonly Channel<byte[]> _queue;
    private readonly Task _sender;
    private readonly CancellationTokenSource _stop = new();
    private long _written, _failed, _dropped, _retries;
    private volatile string? _lastError;

    private WebhookSink(Uri url, OutboundUrlPolicy policy, WebhookOptions options)
    {
        _url = url;
        _policy = policy;
        _o = options;
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.QueueCapacity)
        { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true }, _ => Interlocked.Increment(ref _dropped));
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>Checks the URL against the policy (refusing loopback, private, link-local and metadata addresses unless allow-listed) and starts the sender.</summary>
    public static async Task<WebhookSink> CreateAsync(string url, OutboundUrlPolicy policy, WebhookOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var o = options ?? new WebhookOptions();
        if (o.QueueCapacity < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"webhook queue capacity must be >= 1 (was {o.QueueCapacity})");
        await policy.CheckAsync(url, cancellationToken).ConfigureAwait(false);
        return new WebhookSink(policy.Validate(url), policy, o);
    }

    public string Name => "webhook:" + _url;
    public SinkStats Stats => new(Interlocked.Read(ref _written), Interlocked.Read(ref _failed), Interlocked.Read(ref _dropped), Interlocked.Read(ref _retries));
    public string? LastError => _lastError;

    /// <summary>The JSON body a snapshot is sent as (base64 images).</summary>
    public static byte[] Body(Snapshot s) => Encoding.UTF8.GetBytes((s.Event with
    {
        Crop = Convert.ToBase64String(s.CropJpeg), Frame = Convert.ToBase64String(s.FrameJpeg),
    }).ToJson());

    /// <summary><c>sha256=</c> + lower-case hex HMAC-SHA256 of the body.</summary>
    public static string Signature(byte[] secret, ReadOnlySpan<byte> body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

    public ValueTask WriteAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        _queue.Writer.TryWrite(Body(snapshot)); // full queue: dropped and counted by the channel's callback
        return ValueTask.CompletedTask;
    }

    private async Task SendLoopAsync()
    {
        var ct = _stop.Token;
        bool inFlight = false;
        try
        {
            await foreach (var body in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                inFlight = true;
                var delay = _o.RetryMin;
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    string? error;
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
                        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                        request.Headers.Add("X-Seer-Event", "snapshot");
                        if (_o.Secret is { } secret) request.Headers.Add("X-Seer-Signature", Signature(secret, body));
                        var response = await _policy.SendAsync(request, ct).ConfigureAwait(false);
                        if (response.Status is >= 200 and < 300) { Interlocked.Increment(ref _written); break; }
                        error = $"HTTP {response.Status}";
                    }
                    catch (SeerException ex) when (ex.Code == ErrorCodes.InvalidInput)
                    {
                        _lastError = ex.Message; // refused destination: retrying cannot help
                        Interlocked.Increment(ref _failed);
                        break;
                    }
                    catch (SeerException ex) { error = ex.Message; }
                    _lastError = error;
                    Interlocked.Increment(ref _retries);
                    await Task.Delay(delay, ct).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _o.RetryMax.Ticks));
                }
                inFlight = false;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            if (inFlight) Interlocked.Increment(ref _failed); // given up at close
        }
    }

    /// <summary>Stops taking snapshots and waits (up to the drain timeout) for the queue to be delivered.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_sender, Task.Delay(_o.DrainTimeout)).ConfigureAwait(false) != _sender)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _sender.ConfigureAwait(false);
        }
        long left = 0;
        while (_queue.Reader.TryRead(out _)) left++;
        Interlocked.Add(ref _failed, left);
        _stop.Dispose();
    }
}
