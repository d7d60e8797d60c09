using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenCvSharp;
using Seer.Hosting.Accounts;

namespace Seer.Server.Tests;

/// <summary>
/// A face bundle served over the API (real models from scripts/fetch-data.sh faces): the image API answers faces with
/// landmarks, quality and features; feature groups take face images; 1:N search and 1:1 compare work on faces. Plus
/// every search route's 401 (no sign-in) and 403 (a labeller; a member deleting a group) over HTTP.
/// </summary>
public sealed class FaceApiTests
{
    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> OkJson(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task RegisterFaceBundleAsync(ServerHost host)
    {
        string bundle = Path.Combine(host.Home, "faces.face.json");
        await File.WriteAllTextAsync(bundle, $$"""
            { "kind": "face", "detector": "{{TestPaths.Data("faces", "fr_detect.onnx")}}", "detector_format": "ultraface",
              "landmarks": "{{TestPaths.Data("faces", "fr_landmark.onnx")}}", "embedding": "{{TestPaths.Data("faces", "fr_feature.onnx")}}" }
            """);
        var admin = host.Admin();
        var created = await admin.PostAsJsonAsync("/api/models", new { name = "facebundle", onnx_path = bundle });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/models/facebundle/share", new { shared = true })).StatusCode);
    }

    /// <summary>The faces of a photo as separate JPEG crops (the face box grown by half its size), by file name.</summary>
    private static List<(string Name, byte[] Jpeg, Mat Crop)> FaceCrops(int sample, IEnumerable<double[]> boxes)
    {
        using var photo = Cv2.ImRead(TestPaths.Data("faces", $"sample{sample}.jpg"));
        var list = new List<(string, byte[], Mat)>();
        int k = 0;
        foreach (var b in boxes)
        {
            double w = b[2] - b[0], h = b[3] - b[1];
            int x1 = Math.Max(0, (int)(b[0] - w / 2)), y1 = Math.Max(0, (int)(b[1] - h / 2));
            int x2 = Math.Min(photo.Width, (int)(b[2] + w / 2)), y2 = Math.Min(photo.Height, (int)(b[3] + h / 2));
            var crop = new Mat(photo, new Rect(x1, y1, x2 - x1, y2 - y1)).Clone();
            list.Add(($"s{sample}-{k++}.jpg", crop.ImEncode(".jpg"), crop));
        }
        return list;
    }

    [Fact]
    public async Task FaceBundle_AnalyzesPhotos_AndFacesAreSearchedAndCompared()
    {
        await using var host = await ServerHost.StartAsync();
        await RegisterFaceBundleAsync(host);
        var member = host.Member();

        // Image API: faces with five landmarks, quality and a 512-d unit feature.
        var crops = new List<(string Name, byte[] Jpeg, Mat Crop)>();
        foreach (int sample in new[] { 1, 3, 6 })
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.Data("faces", $"sample{sample}.jpg"))), "image", $"sample{sample}.jpg" } };
            var analysed = await OkJson(await member.PostAsync("/api/models/facebundle/analyze?crops=true", form));
            var faces = analysed.GetProperty("objects").EnumerateArray().ToList();
            Assert.Equal(sample == 6 ? 4 : 3, faces.Count);
            foreach (var f in faces)
            {
                Assert.Equal(5, f.GetProperty("landmarks").GetArrayLength());
                Assert.InRange(f.GetProperty("quality").GetProperty("score").GetDouble(), 0, 1);
                var feature = f.GetProperty("feature").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Assert.Equal(512, feature.Length);
                Assert.Equal(1.0, Math.Sqrt(feature.Sum(x => x * x)), 3);
                using var aligned = Cv2.ImDecode(Convert.FromBase64String(f.GetProperty("crop").GetString()!), ImreadModes.Color);
                Assert.Equal(112, aligned.Width);
            }
            crops.AddRange(FaceCrops(sample, faces.Select(f => f.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray())));
        }
        Assert.Equal(10, crops.Count);

        // A gallery of the ten faces, one image each (id = file name).
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsync("/api/groups", JsonBody("""{"name":"faces","dim":512}"""))).StatusCode);
        using (var gallery = new MultipartFormDataContent { { new StringContent("facebundle"), "model" } })
        {
            foreach (var c in crops) gallery.Add(new ByteArrayContent(c.Jpeg), "image", c.Name);
            Assert.Equal(10, (await OkJson(await member.PostAsync("/api/groups/faces/items", gallery))).GetProperty("items_total").GetInt32());
        }

        // 1:N with altered copies (shifted crop, blur, brightness): each finds its own face first.
        using var queries = new MultipartFormDataContent { { new StringContent("facebundle"), "model" }, { new StringContent("3"), "k" } };
        foreach (var c in crops)
        {
            using var shifted = new Mat(c.Crop, new Rect(c.Crop.Width / 12, c.Crop.Height / 16, c.Crop.Width * 10 / 12, c.Crop.Height * 14 / 16));
            using var blurred = new Mat();
            Cv2.GaussianBlur(shifted, blurred, new Size(0, 0), 1.2);
            using var altered = new Mat();
            blurred.ConvertTo(altered, -1, 1.0, 25);
            queries.Add(new ByteArrayContent(altered.ImEncode(".jpg")), "image", "q-" + c.Name);
        }
        var found = await OkJson(await member.PostAsync("/api/groups/faces/search", queries));
        var results = found.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(10, results.Count);
        foreach (var r in results)
            Assert.Equal(r.GetProperty("name").GetString()![2..], r.GetProperty("hits")[0].GetProperty("id").GetString());

        // 1:1: the same face (altered) vs two different faces.
        async Task<JsonElement> Compare(byte[] a, byte[] b)
        {
            using var pair = new MultipartFormDataContent
            {
                { new StringContent("facebundle"), "model" }, { new StringContent("0.5"), "threshold" },
                { new ByteArrayContent(a), "image", "a.jpg" }, { new ByteArrayContent(b), "image", "b.jpg" },
            };
            return await OkJson(await member.PostAsync("/api/compare", pair));
        }
        using (var darker = new Mat())
        {
            crops[0].Crop.ConvertTo(darker, -1, 0.8, 0);
            Assert.True((await Compare(crops[0].Jpeg, darker.ImEncode(".jpg"))).GetProperty("same").GetBoolean());
        }
        Assert.False((await Compare(crops[0].Jpeg, crops[4].Jpeg)).GetProperty("same").GetBoolean());

        // An image without a face: a clear 400, nothing written.
        using var blank = new Mat(200, 200, MatType.CV_8UC3, new OpenCvSharp.Scalar(90, 120, 150));
        using var noFace = new MultipartFormDataContent { { new StringContent("facebundle"), "model" }, { new ByteArrayContent(blank.ImEncode(".png")), "image", "wall.png" } };
        var refused = await member.PostAsync("/api/groups/faces/items", noFace);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("no face found in image 'wall.png'", await refused.Content.ReadAsStringAsync());
        Assert.Equal(10, (await member.GetFromJsonAsync<JsonElement>("/api/groups/faces")).GetProperty("items").GetInt32());
        foreach (var c in crops) c.Crop.Dispose();
    }

    [Fact]
    public async Task EverySearchRoute_Is401WithoutSignIn_And403ForALabeller_AndGroupDeleteIsAnAdmins()
    {
        await using var host = await ServerHost.StartAsync();
        var accounts = host.Service<AccountStore>();
        accounts.AddUser("lab", UserRole.Labeller, "labeller-password-1");
        var labeller = host.As(accounts.CreateToken("lab"));
        var member = host.Member();
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsync("/api/groups", JsonBody("""{"name":"g","dim":2}"""))).StatusCode);
        await OkJson(await member.PostAsync("/api/groups/g/items", JsonBody("""{"items":[{"id":"a","vector":[1,0]}]}""")));

        (HttpMethod Method, string Url, string? Body, bool Write)[] routes =
        [
            (HttpMethod.Get, "/api/groups", null, false),
            (HttpMethod.Post, "/api/groups", """{"name":"h","dim":2}""", true),
            (HttpMethod.Get, "/api/groups/g", null, false),
            (HttpMethod.Delete, "/api/groups/g", null, true),
            (HttpMethod.Post, "/api/groups/g/items", """{"items":[{"id":"b","vector":[0,1]}]}""", true),
            (HttpMethod.Get, "/api/groups/g/items/a", null, false),
            (HttpMethod.Delete, "/api/groups/g/items/a", null, true),
            (HttpMethod.Post, "/api/groups/g/search", """{"vector":[1,0]}""", false),
            (HttpMethod.Post, "/api/compare", """{"a":[1,0],"b":[1,0]}""", false),
        ];
        foreach (var (method, url, body, write) in routes)
        {
            HttpRequestMessage Request() => new(method, url) { Content = body is null ? null : JsonBody(body) };
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().SendAsync(Request())).StatusCode);
            // Labellers reach only the labelling routes: every search route, read or write, is 403 for them.
            var asLabeller = await labeller.SendAsync(Request());
            Assert.True(asLabeller.StatusCode == HttpStatusCode.Forbidden, $"{method} {url} as a labeller: {asLabeller.StatusCode}");
            if (write && method == HttpMethod.Delete && url == "/api/groups/g")
                Assert.Equal(HttpStatusCode.Forbidden, (await member.SendAsync(Request())).StatusCode); // a group's deletion is an admin's
        }
        // Nothing the refused calls asked for happened.
        var group = await member.GetFromJsonAsync<JsonElement>("/api/groups/g");
        Assert.Equal(1, group.GetProperty("items").GetInt32());
        Assert.Single((await member.GetFromJsonAsync<JsonElement>("/api/groups")).EnumerateArray());
    }
}
