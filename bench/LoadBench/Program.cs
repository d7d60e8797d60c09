// LoadBench: starts `seer serve` (the built CLI, .build/cli/seer.dll) as a separate process on 127.0.0.1 with a fresh
// workspace, sets up an admin token, the labelme VOC sample and the face detector, then drives a bounded loop of
// requests at 1, 4 and 16 concurrent clients against GET /health (the bare baseline), GET /api/datasets and the
// image API (POST /api/models/faces/analyze), printing requests/s and p50/p99 latency, and the ratio to /health.
//   dotnet run -c Release --project bench/LoadBench -- [--requests 200] [--port 5399]
using System.Net.Http.Json;
using Seer.Bench;

int requests = ServeProcess.IntOption(args, "--requests", 200);
int port = ServeProcess.IntOption(args, "--port", 5399);
string root = ServeProcess.FindRoot();
string cli = Path.Combine(root, ".build", "cli", "seer.dll");
if (!File.Exists(cli)) { Console.Error.WriteLine($"build the CLI first (./seer --help): {cli} is missing"); return 2; }

using var serve = await ServeProcess.StartAsync(cli, port);
var http = serve.Http;
string manifest = Path.Combine(serve.Home, "fr_detect.seer.json");
File.WriteAllText(manifest, """
    {"task": "detect", "class_names": ["face"], "input_width": 320, "input_height": 240, "input_layout": "nchw",
     "channel_order": "rgb", "mean": [127, 127, 127], "std": [128, 128, 128], "resize": "stretch",
     "output_layout": "boxes_scores", "output_names": ["boxes", "scores"], "box_format": "xyxy",
     "boxes_normalized": true, "background_column": 0}
    """);
(await http.PostAsJsonAsync("/api/models", new { name = "faces", onnx_path = Path.Combine(root, ".data", "faces", "fr_detect.onnx"), manifest_path = manifest }))
    .EnsureSuccessStatusCode();
await serve.ImportVocSampleAsync(root);
byte[] photo = File.ReadAllBytes(Path.Combine(root, ".data", "faces", "sample1.jpg"));

Console.WriteLine($"LoadBench: seer serve on {http.BaseAddress} (separate process), {requests} requests per row, {Environment.ProcessorCount} cores shared");
Console.WriteLine($"{"endpoint",-28} {"clients",7} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"req/s vs /health",17}");
foreach (int clients in new[] { 1, 4, 16 })
{
    var health = await ServeProcess.MeasureAsync(http, clients, requests, c => c.GetAsync("/health"));
    Print("GET /health (baseline)", clients, health, health.Rps);
    Print("GET /api/datasets", clients, await ServeProcess.MeasureAsync(http, clients, requests, c => c.GetAsync("/api/datasets")), health.Rps);
    Print("POST image API (1920 px)", clients, await ServeProcess.MeasureAsync(http, clients, Math.Max(clients * 4, requests / 5), c =>
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "image", "sample1.jpg" } };
        return c.PostAsync("/api/models/faces/analyze?threshold=0.7", form);
    }), health.Rps);
}
return 0;

static void Print(string name, int clients, (double Rps, double P50, double P99) r, double baseline) =>
    Console.WriteLine($"{name,-28} {clients,7} {r.Rps,9:0.0} {r.P50,8:0.0} {r.P99,8:0.0} {r.Rps / baseline,17:0.000}");
