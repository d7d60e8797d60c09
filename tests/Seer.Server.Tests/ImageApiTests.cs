using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Seer.Server.Tests;

/// <summary>The image API over HTTP with a real ONNX face detector (scripts/fetch-data.sh faces) on real group photos.</summary>
public sealed class ImageApiTests
{
    public const string FaceManifest = """
        {
          "task": "detect", "class_names": ["face"],
          "input_width": 320, "input_height": 240, "input_layout": "nchw", "channel_order": "rgb",
          "mean": [127, 127, 127], "std": [128, 128, 128], "resize": "stretch",
          "output_layout": "boxes_scores", "output_names": ["boxes", "scores"],
          "box_format": "xyxy", "boxes_normalized": true, "background_column": 0
        }
        """;

    internal static async Task RegisterFacesAsync(HttpClient admin, string home)
    {
        string manifest = Path.Combine(home, "fr_detect.seer.json");
        await File.WriteAllTextAsync(manifest, FaceManifest);
        var created = await admin.PostAsJsonAsync("/api/models", new { name = "faces", onnx_path = TestPaths.Data("faces", "fr_detect.onnx"), manifest_path = manifest });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // a served model is its creator's until shared (docs/security.md); members use this one
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/models/faces/share", new { shared = true })).StatusCode);
    }

    [Fact]
    public async Task Analyze_FindsTheFacesOfAnUploadedPhoto()
    {
        await using var host = await ServerHost.StartAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Member().PostAsJsonAsync("/api/models", new { name = "x", onnx_path = "/x.onnx" })).StatusCode);
        await RegisterFacesAsync(host.Admin(), host.Home);
        var client = host.Member();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.Data("faces", "sample5.jpg"))), "image", "sample5.jpg" } };
        var response = await client.PostAsync("/api/models/faces/analyze?threshold=0.7", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        var objects = result.GetProperty("objects").EnumerateArray().ToList();
        Assert.Equal(5, objects.Count);
        int width = result.GetProperty("image").GetProperty("width").GetInt32();
        Assert.All(objects, o =>
        {
            Assert.Equal("face", o.GetProperty("label").GetString());
            Assert.InRange(o.GetProperty("score").GetDouble(), 0.7, 1.0);
            var box = o.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.InRange(box[2] - box[0], 20, width / 2.0);
        });

        var noFile = await client.PostAsync("/api/models/faces/analyze", new MultipartFormDataContent { { new StringContent("x"), "note" } });
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        using var form2 = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "image", "a.jpg" } };
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/models/nope/analyze", form2)).StatusCode);
    }
}
