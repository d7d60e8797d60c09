using System.Net;
using System.Net.Sockets;
using System.Text;
using Seer.Core.Errors;
using Seer.Core.Net;
using Xunit;

namespace Seer.Server.Tests.Security;

/// <summary>The outbound-URL policy against a real HTTP listener on loopback and real name resolution.</summary>
public sealed class OutboundUrlPolicyTests
{
    [Theory]
    [InlineData("http://127.0.0.1/hook", "loopback")]
    [InlineData("http://127.1.2.3:8080/", "loopback")]
    [InlineData("http://10.0.0.1/", "private")]
    [InlineData("http://172.20.0.5/", "private")]
    [InlineData("http://192.168.1.1/", "private")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://[::1]/", "loopback")]
    [InlineData("http://[fd00::1]/", "private")]
    [InlineData("http://[fe80::1]/", "link-local")]
    [InlineData("http://[::ffff:127.0.0.1]/", "loopback")]
    [InlineData("http://[::ffff:169.254.169.254]/", "link-local")]
    [InlineData("http://0.0.0.0/", "unspecified")]
    [InlineData("http://224.0.0.1/", "multicast")]
    [InlineData("http://localhost/", "loopback")]
    public async Task Internal_destinations_are_refused(string url, string kind)
    {
        var policy = new OutboundUrlPolicy();
        var e = await Assert.ThrowsAsync<SeerException>(() => policy.CheckAsync(url));
        Assert.Equal(ErrorCodes.InvalidInput, e.Code);
        Assert.Contains(kind, e.Message);
    }

    [Theory]
    [InlineData("ftp://example.com/x")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://example.com/")]
    [InlineData("not a url")]
    [InlineData("http://user:pw@example.com/")]
    public void Other_schemes_and_malformed_urls_are_refused(string url)
    {
        var e = Assert.Throws<SeerException>(() => new OutboundUrlPolicy().Validate(url));
        Assert.Equal(ErrorCodes.InvalidInput, e.Code);
    }

    [Fact]
    public void Public_addresses_are_allowed_and_mapped_forms_are_judged_as_ipv4()
    {
        var policy = new OutboundUrlPolicy();
        Assert.True(policy.IsAllowed(IPAddress.Parse("93.184.216.34")));
        Assert.True(policy.IsAllowed(IPAddress.Parse("2606:4700::1111")));
        Assert.True(policy.IsAllowed(IPAddress.Parse("::ffff:93.184.216.34")));
        Assert.False(policy.IsAllowed(IPAddress.Parse("::ffff:10.0.0.1")));
        Assert.False(policy.IsAllowed(IPAddress.Parse("172.31.255.255")));
        Assert.True(policy.IsAllowed(IPAddress.Parse("172.32.0.1")));
    }

    [Fact]
    public async Task Requests_to_loopback_never_connect_unless_allow_listed()
    {
        using var server = new TinyHttpServer("hello");
        var url = $"http://127.0.0.1:{server.Port}/hook";

        var refused = await Assert.ThrowsAsync<SeerException>(
            () => new OutboundUrlPolicy().SendAsync(new HttpRequestMessage(HttpMethod.Post, url)));
        Assert.Contains("loopback", refused.Message);

        // The client's connect callback checks too: a caller that skips Validate/CheckAsync is still refused.
        using (var client = new OutboundUrlPolicy().CreateHttpClient())
        {
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));
            Assert.IsType<SeerException>(e.InnerException ?? e);
            var viaName = await Assert.ThrowsAsync<HttpRequestException>(
                () => client.GetAsync($"http://localhost:{server.Port}/"));
            Assert.IsType<SeerException>(viaName.InnerException ?? viaName);
        }
        Assert.Equal(0, server.Requests);

        var allowed = new OutboundUrlPolicy(new OutboundUrlOptions { Allow = ["127.0.0.1/32"] });
        var response = await allowed.SendAsync(new HttpRequestMessage(HttpMethod.Post, url));
        Assert.Equal(200, response.Status);
        Assert.Equal("hello", Encoding.UTF8.GetString(response.Body));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task An_allow_listed_host_name_is_accepted()
    {
        using var server = new TinyHttpServer("ok");
        var policy = new OutboundUrlPolicy(new OutboundUrlOptions { Allow = ["localhost"] });
        var addresses = await policy.CheckAsync($"http://localhost:{server.Port}/");
        Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(a)));
        var response = await policy.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://localhost:{server.Port}/"));
        Assert.Equal("ok", Encoding.UTF8.GetString(response.Body));
    }

    [Fact]
    public async Task Responses_larger_than_the_bound_are_refused()
    {
        using var server = new TinyHttpServer(new string('x', 64 * 1024));
        var policy = new OutboundUrlPolicy(new OutboundUrlOptions { Allow = ["127.0.0.1"], MaxResponseBytes = 4096 });
        var e = await Assert.ThrowsAsync<SeerException>(
            () => policy.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{server.Port}/")));
        Assert.Contains("4096 byte limit", e.Message);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_cut_off_at_the_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(); // accepts connections (backlog) but never answers
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var policy = new OutboundUrlPolicy(new OutboundUrlOptions { Allow = ["127.0.0.1"], Timeout = TimeSpan.FromMilliseconds(300) });
        var e = await Assert.ThrowsAsync<SeerException>(
            () => policy.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/")));
        Assert.Equal(ErrorCodes.Unavailable, e.Code);
    }

    [Fact]
    public void Bad_allow_list_entries_are_refused()
    {
        var e = Assert.Throws<SeerException>(() => new OutboundUrlPolicy(new OutboundUrlOptions { Allow = ["10.0.0.0/99"] }));
        Assert.Equal(ErrorCodes.InvalidOptions, e.Code);
    }

    /// <summary>A minimal HTTP/1.1 server on 127.0.0.1 answering every request with a fixed body.</summary>
    private sealed class TinyHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _requests;

        public TinyHttpServer(string body)
        {
            _listener.Start();
            _ = Task.Run(() => ServeAsync(Encoding.UTF8.GetBytes(body)));
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public int Requests => Volatile.Read(ref _requests);

        private async Task ServeAsync(byte[] body)
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                using (client)
                {
                    var stream = client.GetStream();
                    var buffer = new byte[8192];
                    var seen = new StringBuilder();
                    while (!seen.ToString().Contains("\r\n\r\n"))
                    {
                        var n = await stream.ReadAsync(buffer);
                        if (n == 0) break;
                        seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }
                    Interlocked.Increment(ref _requests);
                    var head = Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head);
                    await stream.WriteAsync(body);
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
