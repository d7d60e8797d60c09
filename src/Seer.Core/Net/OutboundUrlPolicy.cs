using System.Net;
using System.Net.Sockets;
using Seer.Core.Errors;

namespace Seer.Core.Net;

/// <summary>Settings of an <see cref="OutboundUrlPolicy"/>.</summary>
public sealed record OutboundUrlOptions
{
    /// <summary>
    /// Destinations allowed even though they are loopback, private or link-local. Each entry is an address
    /// (<c>127.0.0.1</c>, <c>::1</c>), a network in CIDR form (<c>10.1.0.0/16</c>) or an exact host name
    /// (<c>hooks.internal</c>; every address that name resolves to is then allowed). Empty by default.
    /// </summary>
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary>Whole-request bound: connect, send and read the response (default 10 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest response body read; a longer body is refused (default 1 MiB).</summary>
    public long MaxResponseBytes { get; init; } = 1 << 20;
}

/// <summary>A response read completely within the policy's size bound.</summary>
/// <param name="Status">HTTP status code.</param>
/// <param name="Body">The body bytes (at most <see cref="OutboundUrlOptions.MaxResponseBytes"/>).</param>
/// <param name="ContentType">The response's media type, when given.</param>
public sealed record OutboundResponse(int Status, byte[] Body, string? ContentType);

/// <summary>
/// The one rule for every request Seer makes to a URL someone else supplied (webhooks, callbacks, remote imports).
/// <list type="bullet">
/// <item>Only <c>http</c> and <c>https</c>.</item>
/// <item>The host name is resolved and refused when any of its addresses is loopback, private (10/8, 172.16/12,
/// 192.168/16, 100.64/10, fc00::/7), link-local (169.254/16 — which holds the cloud metadata address
/// 169.254.169.254 — and fe80::/10), unspecified, broadcast, multicast or reserved, including the IPv4-mapped IPv6
/// form of those, unless <see cref="OutboundUrlOptions.Allow"/> lists it.</item>
/// <item>The connection goes to the address that was checked: <see cref="CreateHttpClient"/>'s handler resolves,
/// checks and connects in one <see cref="SocketsHttpHandler.ConnectCallback"/>, so a DNS answer that changes between
/// a check and the connect (DNS rebinding), or a redirect to an internal host, cannot reach a refused address.
/// No proxy is used (a proxy would make the checked address the proxy's).</item>
/// <item>Bounded time (<see cref="OutboundUrlOptions.Timeout"/>) and response size
/// (<see cref="OutboundUrlOptions.MaxResponseBytes"/>).</item>
/// </list>
/// Refusals throw <see cref="SeerException"/> with <see cref="ErrorCodes.InvalidInput"/> naming the URL and the reason.
/// Typical use: call <see cref="CheckAsync"/> when a URL is registered (so a bad one is refused at once, 400), and send
/// with <see cref="SendAsync"/> (or a client from <see cref="CreateHttpClient"/>) when calling out.
/// </summary>
public sealed class OutboundUrlPolicy
{
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this network", unspecified
        IPNetwork.Parse("10.0.0.0/8"),       // private
        IPNetwork.Parse("100.64.0.0/10"),    // carrier-grade NAT (shared address space)
        IPNetwork.Parse("127.0.0.0/8"),      // loopback
        IPNetwork.Parse("169.254.0.0/16"),   // link-local, cloud metadata 169.254.169.254
        IPNetwork.Parse("172.16.0.0/12"),    // private
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments
        IPNetwork.Parse("192.168.0.0/16"),   // private
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, broadcast
        IPNetwork.Parse("::/128"),           // unspecified
        IPNetwork.Parse("::1/128"),          // loopback
        IPNetwork.Parse("64:ff9b::/96"),     // NAT64 (embeds an IPv4 address)
        IPNetwork.Parse("fc00::/7"),         // unique local (private)
        IPNetwork.Parse("fe80::/10"),        // link-local
        IPNetwork.Parse("fec0::/10"),        // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"),         // multicast
    ];

    private readonly List<IPNetwork> _allowNetworks = [];
    private readonly HashSet<string> _allowHosts = new(StringComparer.OrdinalIgnoreCase);

    public OutboundUrlPolicy(OutboundUrlOptions? options = null)
    {
        Options = options ?? new OutboundUrlOptions();
        if (Options.Timeout <= TimeSpan.Zero)
            throw new SeerException(ErrorCodes.InvalidOptions, "outbound timeout must be positive");
        if (Options.MaxResponseBytes <= 0)
            throw new SeerException(ErrorCodes.InvalidOptions, "outbound response size bound must be positive");
        foreach (var raw in Options.Allow)
        {
            var entry = raw.Trim();
            if (entry.Length == 0) continue;
            if (IPNetwork.TryParse(entry, out var network)) _allowNetworks.Add(network);
            else if (IPAddress.TryParse(entry, out var single))
                _allowNetworks.Add(new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            else if (Uri.CheckHostName(entry) == UriHostNameType.Dns) _allowHosts.Add(entry.TrimEnd('.'));
            else throw new SeerException(ErrorCodes.InvalidOptions,
                $"outbound allow-list entry '{entry}' is neither an address, a CIDR network nor a host name");
        }
    }

    /// <summary>The settings in force.</summary>
    public OutboundUrlOptions Options { get; }

    /// <summary>
    /// Whether <paramref name="address"/> may be contacted: a public unicast address, or one the allow-list names.
    /// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
    /// </summary>
    public bool IsAllowed(IPAddress address) => IsAllowed(address, host: null);

    /// <summary>
    /// Checks the URL's form: absolute, <c>http</c> or <c>https</c>, with a host and no user information.
    /// Does not resolve the name (see <see cref="CheckAsync"/>).
    /// </summary>
    public Uri Validate(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw Refuse(url, "it is not an absolute URL");
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            throw Refuse(url, $"scheme '{uri.Scheme}' is not allowed (only http and https)");
        if (string.IsNullOrEmpty(uri.IdnHost))
            throw Refuse(url, "it has no host");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw Refuse(url, "credentials in the URL are not allowed");
        return uri;
    }

    /// <summary>
    /// Validates the URL and resolves its host; refuses it when any resolved address is not allowed.
    /// Returns the checked addresses. Use at registration time; sending checks again at connect time.
    /// </summary>
    public async Task<IPAddress[]> CheckAsync(string url, CancellationToken cancellationToken = default)
    {
        var uri = Validate(url);
        return await ResolveAllowedAsync(uri.IdnHost, url, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An <see cref="HttpClient"/> whose every connection goes through this policy (resolve, check, connect to the
    /// checked address), with no proxy, the policy's timeout, at most 3 redirects (each re-checked at connect) and
    /// <see cref="HttpClient.MaxResponseContentBufferSize"/> set to the size bound. The caller owns (and disposes) it.
    /// </summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 3,
            ConnectTimeout = Options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Options.Timeout,
            MaxResponseContentBufferSize = Options.MaxResponseBytes,
        };
    }

    /// <summary>
    /// Sends <paramref name="request"/> under the policy and reads the whole response body, refusing one longer than
    /// <see cref="OutboundUrlOptions.MaxResponseBytes"/>. Non-success statuses are returned, not thrown. Refused
    /// destinations throw <see cref="SeerException"/> (<see cref="ErrorCodes.InvalidInput"/>); a timeout or a
    /// network failure throws <see cref="SeerException"/> with <see cref="ErrorCodes.Unavailable"/>.
    /// </summary>
    public async Task<OutboundResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var url = request.RequestUri?.OriginalString ?? "";
        Validate(url);
        using var client = CreateHttpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            var declared = response.Content.Headers.ContentLength;
            if (declared > Options.MaxResponseBytes)
                throw TooLarge(url);
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var body = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > Options.MaxResponseBytes) throw TooLarge(url);
                body.Write(buffer, 0, read);
            }
            return new OutboundResponse((int)response.StatusCode, body.ToArray(), response.Content.Headers.ContentType?.MediaType);
        }
        catch (HttpRequestException e) when (FindSeer(e) is { } refusal)
        {
            throw refusal;
        }
        catch (HttpRequestException e)
        {
            throw new SeerException(ErrorCodes.Unavailable, $"outbound request to {url} failed: {e.Message}", url, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SeerException(ErrorCodes.Unavailable,
                $"outbound request to {url} took longer than {Options.Timeout.TotalSeconds:0.#} s", url, e);
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var shown = $"{host}:{context.DnsEndPoint.Port}";
        var addresses = await ResolveAllowedAsync(host, shown, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Connects to exactly the addresses just checked: no second name lookup happens.
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<IPAddress[]> ResolveAllowedAsync(string host, string shown, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']').TrimEnd('.');
        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal)) addresses = [literal];
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(bare, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"outbound URL refused: {shown}: host '{bare}' does not resolve ({e.SocketErrorCode})", shown, e);
            }
        }
        if (addresses.Length == 0) throw Refuse(shown, $"host '{bare}' has no address");
        foreach (var address in addresses)
        {
            if (!IsAllowed(address, bare))
                throw Refuse(shown, $"host '{bare}' resolves to {address}, a {Describe(address)} address " +
                    "(add it to the outbound allow-list to permit it)");
        }
        return addresses;
    }

    private bool IsAllowed(IPAddress address, string? host)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (host is not null && _allowHosts.Contains(host)) return true;
        foreach (var network in _allowNetworks)
        {
            var candidate = network.BaseAddress.AddressFamily == address.AddressFamily ? address
                : network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? address.MapToIPv6() : null;
            if (candidate is not null && network.Contains(candidate)) return true;
        }
        return Describe(address) is null;
    }

    /// <summary>The kind of a refused address, or null for a public unicast address.</summary>
    private static string? Describe(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return "loopback";
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv6LinkLocal) return "link-local";
            if (address.IsIPv6Multicast) return "multicast";
            if (address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal) return "private";
        }
        foreach (var network in Refused)
        {
            if (network.BaseAddress.AddressFamily != address.AddressFamily || !network.Contains(address)) continue;
            var first = network.BaseAddress.GetAddressBytes()[0];
            return network.ToString() switch
            {
                "169.254.0.0/16" => "link-local (cloud metadata range)",
                "10.0.0.0/8" or "172.16.0.0/12" or "192.168.0.0/16" or "100.64.0.0/10" or "fc00::/7" => "private",
                "224.0.0.0/4" => "multicast",
                "0.0.0.0/8" or "::/128" => "unspecified",
                _ => first == 0 ? "unspecified" : "reserved",
            };
        }
        return null;
    }

    private static SeerException Refuse(string url, string reason) =>
        new(ErrorCodes.InvalidInput, $"outbound URL refused: {url}: {reason}", url);

    private SeerException TooLarge(string url) =>
        new(ErrorCodes.InvalidInput,
            $"outbound response from {url} is larger than the {Options.MaxResponseBytes} byte limit", url);

    private static SeerException? FindSeer(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is SeerException s) return s;
        return null;
    }
}
