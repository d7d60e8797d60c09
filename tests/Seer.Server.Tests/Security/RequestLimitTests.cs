using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenCvSharp;
using Xunit;

namespace Seer.Server.Tests.Security;

/// <summary>Upload size, the image API's pixel cap, bodies for unknown routes, and uploads removed after their job.</summary>
public sealed class RequestLimitTests
{
    [Fact]
    public async Task A_200_MB_upload_is_refused_with_413_naming_the_limit_without_being_read()
    {
        await using var host = await ServerHost.StartAsync();
        var body = new CountingContent(200L << 20);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/datasets/import") { Content = body };
        request.Content.Headers.ContentType = new("multipart/form-data") { Parameters = { new("boundary", "x") } };
        var response = await host.Member().SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("100 MiB", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(body.Produced < 8L << 20, $"{body.Produced} bytes of the body were read");
        Assert.False(Directory.Exists(Path.Combine(host.Home, "uploads")) && Directory.EnumerateFiles(Path.Combine(host.Home, "uploads")).Any());
    }

    [Fact]
    public async Task A_body_without_a_declared_length_is_cut_off_at_the_limit()
    {
        await using var host = await ServerHost.StartAsync(options: o => o.MaxUploadBytes = 1 << 20);
        var body = new CountingContent(5L << 20, declareLength: false);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/datasets/import") { Content = body };
        request.Content.Headers.ContentType = new("application/json");
        var response = await host.Member().SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1 MiB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_for_a_route_that_does_not_exist_is_not_read()
    {
        await using var host = await ServerHost.StartAsync();
        var body = new CountingContent(50L << 20);
        var response = await host.Member().PostAsync("/api/no-such-route", body);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(body.Produced < 8L << 20, $"{body.Produced} bytes of the body were read");
    }

    [Fact]
    public void A_10000_by_10000_png_is_refused_from_its_header_naming_the_cap()
    {
        byte[] png = PngHeader(10_000, 10_000);
        var e = Assert.Throws<Seer.Core.Errors.SeerException>(() => Seer.Imaging.ImagePixelCap.Check(png, "big.png", 40_000_000));
        Assert.Equal(Seer.Core.Errors.ErrorCodes.TooLarge, e.Code);
        Assert.Contains("10000x10000", e.Message, StringComparison.Ordinal);
        Assert.Contains("40,000,000", e.Message, StringComparison.Ordinal);
        Assert.Equal(413, SeerExceptionHandler.StatusOf(e.Code));
        // The same image at an ordinary size passes; bytes that are no image are refused as bad input.
        Assert.Equal(4_000_000, Seer.Imaging.ImagePixelCap.Check(PngHeader(2000, 2000), "ok.png", 40_000_000).Pixels);
        Assert.Equal(Seer.Core.Errors.ErrorCodes.InvalidInput,
            Assert.Throws<Seer.Core.Errors.SeerException>(() => Seer.Imaging.ImagePixelCap.Check("not an image"u8.ToArray(), "x.png", 40_000_000)).Code);
    }

    [Fact]
    public async Task The_image_api_refuses_an_unknown_model_before_reading_the_image()
    {
        await using var host = await ServerHost.StartAsync();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(PngHeader(10_000, 10_000)), "image", "big.png" } };
        var response = await host.Member().PostAsync("/api/models/none/analyze", form);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_uploaded_archive_is_deleted_after_its_job()
    {
        await using var host = await ServerHost.StartAsync();
        var client = host.Member();
        string zip = Path.Combine(host.Home, "imports", "voc.zip");
        System.IO.Compression.ZipFile.CreateFromDirectory(TestPaths.LabelmeVoc, zip);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("up"), "dataset" }, { new StringContent("voc"), "format" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(zip)), "file", "voc.zip" },
        };
        var accepted = await client.PostAsync("/api/datasets/import", form);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = await host.WaitJobAsync(client, (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(host.Home, "uploads")));
    }

    private static byte[] PngHeader(int width, int height)
    {
        using var small = new Mat(2, 2, MatType.CV_8UC3, OpenCvSharp.Scalar.All(0));
        byte[] png = small.ImEncode(".png");
        // IHDR data starts at byte 16: width, height (big-endian); the CRC is left as it is (the probe reads the header only).
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        return png;
    }

    /// <summary>A body of <c>size</c> bytes produced as it is read, counting how much was actually read.</summary>
    private sealed class CountingContent(long size, bool declareLength = true) : HttpContent
    {
        private long _produced;

        public long Produced => Interlocked.Read(ref _produced);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)' '); // JSON whitespace: a JSON reader keeps reading
            for (long sent = 0; sent < size; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk);
                Interlocked.Add(ref _produced, chunk.Length);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = size;
            return declareLength;
        }
    }
}
