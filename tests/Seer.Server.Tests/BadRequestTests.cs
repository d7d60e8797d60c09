using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Seer.Server.Tests;

/// <summary>
/// Bad request bodies answer 4xx with a message, never 500: malformed and mistyped JSON, text/plain where JSON is
/// expected, a compressed body the server does not decode, and bad archives through the import upload route (the
/// job then fails naming the file and the reason, the same checks as the CLI's bad-input suite).
/// </summary>
public sealed class BadRequestTests
{
    private static async Task AssertClientError(HttpResponseMessage response, string fragment)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {body}");
        Assert.True(body.Contains(fragment, StringComparison.OrdinalIgnoreCase), $"'{fragment}' not in {body}");
    }

    public static TheoryData<string, string, string, string> JsonBodies() => new()
    {
        // route, content type, body, expected fragment of the answer
        { "/api/jobs", "application/json", "{\"kind\": \"import\", ", "JSON" },
        { "/api/jobs", "application/json", "[1, 2, 3]", "JSON" },
        { "/api/jobs", "application/json", "{\"kind\": 5, \"parameters\": \"x\"}", "JSON" },
        { "/api/jobs", "text/plain", "kind=import", "Unsupported Media Type" },
        { "/api/datasets/import", "application/json", "{\"dataset\": ", "JSON" },
        { "/api/datasets/import", "application/json", "{\"dataset\": 1e400}", "JSON" },
        { "/api/datasets/import", "text/plain", "dataset=x", "JSON" },
        { "/api/datasets/base/export", "application/json", "{\"format\": [", "JSON" },
        { "/api/labels/aliases", "application/json", "\"not an object\"", "JSON" },
    };

    [Theory]
    [MemberData(nameof(JsonBodies))]
    public async Task MalformedOrMistypedBodies_Answer4xxWithTheReason(string route, string contentType, string body, string fragment)
    {
        await using var host = await ServerHost.StartAsync();
        var response = await host.Member().PostAsync(route, new StringContent(body, Encoding.UTF8, contentType));
        await AssertClientError(response, fragment);
    }

    [Fact]
    public async Task AGzipBombBody_IsNotInflated_And400s()
    {
        await using var host = await ServerHost.StartAsync();
        var bomb = new MemoryStream();
        using (var gz = new GZipStream(bomb, CompressionLevel.Fastest, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) gz.Write(zeros);
        }
        var content = new ByteArrayContent(bomb.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        await AssertClientError(await host.Member().PostAsync("/api/jobs", content), "JSON");
    }

    [Fact]
    public async Task AHugeHeader_IsNot500()
    {
        await using var host = await ServerHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = new StringContent("{", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("X-Bomb", new string('a', 1 << 20));
        var response = await host.Member().SendAsync(request);
        Assert.True((int)response.StatusCode is >= 400 and < 500, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static TheoryData<string, string> BadArchives() => new()
    {
        { "four-1GB-entries", "over the limit" },
        { "not-a-zip", "not a readable zip" },
        { "zip-slip", ".." },
        { "coco-score-1e400", "finite" },
    };

    [Theory]
    [MemberData(nameof(BadArchives))]
    public async Task BadArchivesThroughTheUploadRoute_FailTheirJobWithTheReason_Never500(string kind, string reason)
    {
        await using var host = await ServerHost.StartAsync();
        var client = host.Member();
        byte[] archive = Archive(kind);
        string format = kind.StartsWith("coco", StringComparison.Ordinal) ? "coco" : "folders";
        using var form = new MultipartFormDataContent
        {
            { new StringContent("bad"), "dataset" },
            { new StringContent(format), "format" },
            { new ByteArrayContent(archive), "file", "bad.zip" },
        };
        var response = await client.PostAsync("/api/datasets/import", form);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {body}");
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            Assert.Contains(reason, body, StringComparison.OrdinalIgnoreCase);
            return;
        }
        var job = await host.WaitJobAsync(client, JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64());
        string state = job.GetProperty("state").GetString()!;
        string text = job.ToString();
        if (kind == "coco-score-1e400")
        {
            // The annotation is rejected with the reason; the image itself imports.
            Assert.True(state == "succeeded", text);
            var logs = await client.GetStringAsync($"/api/jobs/{job.GetProperty("id").GetInt64()}/logs");
            Assert.Contains(reason, logs, StringComparison.OrdinalIgnoreCase);
            return;
        }
        Assert.True(state == "failed", text);
        Assert.Contains(reason, job.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnImportJobOnAFolderWithAPipeAndLinkLoops_FinishesAndReportsThem()
    {
        await using var host = await ServerHost.StartAsync();
        var client = host.Member();
        string folder = Path.Combine(host.Home, "imports", "traps");
        Directory.CreateDirectory(Path.Combine(folder, "c"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "c", "good.png"), Archive("png"));
        Assert.Equal(0, MkFifo(Path.Combine(folder, "c", "pipe.png"), 0b110_100_100)); // opening it would block forever
        File.CreateSymbolicLink(Path.Combine(folder, "c", "loop"), folder);
        File.CreateSymbolicLink(Path.Combine(folder, "c", "x.png"), Path.Combine(folder, "c", "y.png"));
        File.CreateSymbolicLink(Path.Combine(folder, "c", "y.png"), Path.Combine(folder, "c", "x.png"));

        var accepted = await client.PostAsJsonAsync("/api/datasets/import", new { dataset = "traps", format = "folders", path = folder });
        string body = await accepted.Content.ReadAsStringAsync();
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, body);
        long id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
        var job = await host.WaitJobAsync(client, id);
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.Equal(1, job.GetProperty("result").GetProperty("images").GetInt32());
        Assert.Equal(4, job.GetProperty("result").GetProperty("rejected").GetInt32()); // the pipe, the folder loop, x.png, y.png
        string logs = await client.GetStringAsync($"/api/jobs/{id}/logs");
        Assert.Contains("not a regular file", logs, StringComparison.Ordinal);
        Assert.Contains("symbolic link loop", logs, StringComparison.Ordinal);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(string path, uint mode);

    private static byte[] Archive(string kind)
    {
        var png = Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Hu8W7pAAAAAElFTkSuQmCC");
        var stream = new MemoryStream();
        if (kind == "png") return png;
        if (kind == "not-a-zip") return Encoding.UTF8.GetBytes("this is not a zip archive");
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] bytes)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                s.Write(bytes);
            }
            switch (kind)
            {
                case "four-1GB-entries":
                    foreach (var n in new[] { "a", "b", "c", "d" }) Add($"c/{n}.png", new byte[1 << 16]);
                    break;
                case "zip-slip":
                    Add("../evil.png", png);
                    break;
                case "coco-score-1e400":
                    Add("images/a.png", png);
                    Add("annotations.json", Encoding.UTF8.GetBytes(
                        "{\"images\": [{\"id\": 1, \"file_name\": \"a.png\"}], \"categories\": [{\"id\": 1, \"name\": \"cat\"}], " +
                        "\"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 4, 4], \"score\": 1e400}]}"));
                    break;
            }
        }
        var bytes = stream.ToArray();
        if (kind == "four-1GB-entries")
            for (int i = 0; i + 30 < bytes.Length; i++)
            {
                uint sig = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
                if (sig == 0x04034b50) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 22), 1u << 30);
                else if (sig == 0x02014b50) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), 1u << 30);
            }
        return bytes;
    }
}
