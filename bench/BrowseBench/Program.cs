// BrowseBench: the images query (GET /api/datasets/{ref}/images) over Fashion-MNIST's 60,000 training images.
// Imports them once (IDX, scripts/fetch-data.sh fashion-mnist) into a workspace under --work, records one numeric
// field over the version (mean pixel intensity, computed from the PNGs, as a stand-in for a brain field), starts the
// real server (Kestrel on 127.0.0.1) and times, per case, the HTTP round trip (server time over loopback, JSON
// included), the library call (ImageBrowser.Query) and the bare SQLite query that returns the same rows (count +
// page, no JSON parse: the query shape the library used before it answered these cases from index ranges), in the
// same run; and, for scale, the pre-issue way (load the version, filter in memory). Then, in Debian's chromium
// (Playwright), the grid at #/browse/fashion scrolled from the first to the last page: pages fetched, tiles in the
// DOM and the time until the last image's tile is drawn.
//   dotnet run -c Release --project bench/BrowseBench -- [--reps 30] [--work DIR] [--fresh] [--no-browser]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Data.Browse;
using Seer.Data.Import;
using Seer.Formats;
using Seer.Hosting.Accounts;
using Seer.Server;

int reps = 30;
string work = Path.Combine(Path.GetTempPath(), "seer-browsebench");
bool fresh = false, browserStep = true;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--no-browser") browserStep = false;
    if (args[i] == "--reps") reps = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--work") work = args[++i];
    else if (args[i] == "--fresh") fresh = true;
}
string root = FindRoot();
string fashion = Path.Combine(root, ".data", "fashion-mnist");
if (!File.Exists(Path.Combine(fashion, "train-images-idx3-ubyte.gz")))
{
    Console.Error.WriteLine($"run scripts/fetch-data.sh fashion-mnist first ({fashion} has no train-images-idx3-ubyte.gz)");
    return 2;
}
string home = Path.Combine(work, "home");
if (fresh && Directory.Exists(work)) Directory.Delete(work, true);
Directory.CreateDirectory(work);

// Import the 60,000 training images (only the train files: a folder of links whose path says "fashion" for class names).
string source = Path.Combine(work, "fashion-train");
Directory.CreateDirectory(source);
foreach (var f in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz" })
    if (!File.Exists(Path.Combine(source, f))) File.CreateSymbolicLink(Path.Combine(source, f), Path.Combine(fashion, f));
using (var ws = Workspace.Open(home))
{
    if (!ws.ListDatasets().Any(d => d.Name == "fashion"))
    {
        var sw = Stopwatch.StartNew();
        using var files = FileSources.Open(source);
        var read = FormatRegistry.GetImporter("idx").Read(files, new Seer.Core.Interchange.ImportOptions());
        var result = await new ImportPipeline(ws).RunAsync(read, new ImportRequest("fashion") { Format = "idx", Source = source }, null, CancellationToken.None);
        Console.WriteLine($"imported {result.Images} images in {sw.Elapsed.TotalSeconds:0.0} s");
    }
    var browser = new ImageBrowser(ws);
    var set = new DatasetRef("fashion", null);
    if (!browser.FieldRuns(set).Any(r => r.Field == "intensity"))
    {
        var sw = Stopwatch.StartNew();
        var snapshot = ws.OpenSnapshot(set);
        var values = new double[snapshot.Images.Count];
        Parallel.For(0, values.Length, i =>
        {
            using var s = snapshot.Blobs.OpenRead(snapshot.Images[i].ContentHash);
            using var m = new MemoryStream();
            s.CopyTo(m);
            using var mat = Cv2.ImDecode(m.ToArray(), ImreadModes.Grayscale);
            values[i] = Cv2.Mean(mat).Val0 / 255.0;
        });
        browser.RecordFieldRun(set, "intensity", "mean pixel value / 255", new { }, null, Enumerable.Range(0, values.Length).ToDictionary(i => i, i => values[i]));
        Console.WriteLine($"recorded field 'intensity' over {values.Length} images in {sw.Elapsed.TotalSeconds:0.0} s");
    }
}
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

var app = SeerServer.Build(home, "http://127.0.0.1:0");
await app.StartAsync();
try
{
    var accounts = app.Services.GetRequiredService<AccountStore>();
    if (accounts.Find("bench") is null) accounts.AddUser("bench", UserRole.Admin, "bench-password-1");
    using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accounts.CreateToken("bench"));
    var ws = app.Services.GetRequiredService<Workspace>();
    var browser = app.Services.GetRequiredService<ImageBrowser>();
    var version = ws.Resolve(new DatasetRef("fashion", null)).Version;
    var info = ws.Resolve(new DatasetRef("fashion", null));

    // The first query of a version derives its index (once per version, kept in seer.db).
    var first = Stopwatch.StartNew();
    using (var r = await http.GetAsync("/api/datasets/fashion/images?limit=100")) r.EnsureSuccessStatusCode();
    Console.WriteLine($"first query (index already built: {first.Elapsed.TotalMilliseconds < 2000}): {first.Elapsed.TotalMilliseconds:0.0} ms");
    Console.WriteLine($"{info.ImageCount} images in fashion@{version[..10]}; {reps} repetitions per case; Environment.ProcessorCount={Environment.ProcessorCount}, load {File.ReadAllText("/proc/loadavg").Trim()}");
    Console.WriteLine();
    Console.WriteLine($"{"case",-46} {"HTTP p50",9} {"p90",7} {"library",9} {"join SQL",9} {"in memory",10}  rows/total");

    // Bare SQL: the hand-written query a developer would write for the same rows (count + page, rows read, JSON not
    // parsed), using the same per-version index tables; no HTTP, no auth, no JSON.
    string cols = "vi.ord, vi.content_hash, vi.file_name, vi.width, vi.height, vi.labelled, vi.annotations_json";
    string versionCount = "SELECT image_count FROM versions WHERE id = $v";
    string Labelled(string label) => $"JOIN browse_image_labels l ON l.version_id = vi.version_id AND l.ord = vi.ord AND l.label = '{label}'";
    string LabelCount(string label) => $"SELECT COUNT(*) FROM browse_image_labels WHERE version_id = $v AND label = '{label}'";
    var cases = new (string Name, string Query, ImageQuery Lib, string BareCount, string BarePage, Func<DatasetSnapshot, int>? InMemory)[]
    {
        ("page of 100 at offset 0", "offset=0&limit=100", new ImageQuery { Limit = 100 }, versionCount,
            $"SELECT {cols} FROM version_images vi WHERE vi.version_id = $v ORDER BY vi.ord LIMIT 100 OFFSET 0",
            s => s.Images.Take(100).Count()),
        ("page of 100 at offset 30,000", "offset=30000&limit=100", new ImageQuery { Offset = 30000, Limit = 100 }, versionCount,
            $"SELECT {cols} FROM version_images vi WHERE vi.version_id = $v ORDER BY vi.ord LIMIT 100 OFFSET 30000",
            s => s.Images.Skip(30000).Take(100).Count()),
        ("last page (offset 59,900)", "offset=59900&limit=100", new ImageQuery { Offset = 59900, Limit = 100 }, versionCount,
            $"SELECT {cols} FROM version_images vi WHERE vi.version_id = $v ORDER BY vi.ord LIMIT 100 OFFSET 59900",
            s => s.Images.Skip(59900).Take(100).Count()),
        ("label=Sneaker sort=intensity desc", "label=Sneaker&sort=intensity&order=desc&limit=100",
            new ImageQuery { Label = "Sneaker", Sort = "intensity", Order = "desc", Limit = 100 }, LabelCount("Sneaker"),
            $"SELECT {cols}, fv.value FROM version_images vi {Labelled("Sneaker")} LEFT JOIN field_values fv ON fv.run_id = $run AND fv.ord = vi.ord " +
            "WHERE vi.version_id = $v ORDER BY fv.value IS NULL, fv.value DESC, vi.ord DESC LIMIT 100",
            null),
        ("label=Sneaker sort=intensity desc, offset 5,900", "label=Sneaker&sort=intensity&order=desc&offset=5900&limit=100",
            new ImageQuery { Label = "Sneaker", Sort = "intensity", Order = "desc", Offset = 5900, Limit = 100 }, LabelCount("Sneaker"),
            $"SELECT {cols}, fv.value FROM version_images vi {Labelled("Sneaker")} LEFT JOIN field_values fv ON fv.run_id = $run AND fv.ord = vi.ord " +
            "WHERE vi.version_id = $v ORDER BY fv.value IS NULL, fv.value DESC, vi.ord DESC LIMIT 100 OFFSET 5900",
            null),
        ("label=Bag sort=file_name desc", "label=Bag&sort=file_name&order=desc&limit=100",
            new ImageQuery { Label = "Bag", Sort = "file_name", Order = "desc", Limit = 100 }, LabelCount("Bag"),
            $"SELECT {cols} FROM version_images vi {Labelled("Bag")} WHERE vi.version_id = $v ORDER BY vi.file_name DESC, vi.ord DESC LIMIT 100",
            s => s.Images.Where(i => i.Tags.Contains("Bag")).OrderByDescending(i => i.FileName, StringComparer.Ordinal).Take(100).Count()),
        ("q=0599 (file name contains)", "q=0599&limit=100", new ImageQuery { Text = "0599", Limit = 100 },
            "SELECT COUNT(*) FROM version_images vi WHERE vi.version_id = $v AND vi.file_name LIKE '%0599%'",
            $"SELECT {cols} FROM version_images vi WHERE vi.version_id = $v AND vi.file_name LIKE '%0599%' ORDER BY vi.ord LIMIT 100",
            s => s.Images.Where(i => i.FileName.Contains("0599", StringComparison.OrdinalIgnoreCase)).Take(100).Count()),
    };
    long run = browser.FieldRuns(new DatasetRef("fashion", null)).First(r => r.Field == "intensity").Id;
    using var bare = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(home, "seer.db"), Mode = SqliteOpenMode.ReadOnly }.ToString());
    bare.Open();
    foreach (var c in cases)
    {
        var httpMs = new List<double>();
        var libMs = new List<double>();
        var bareMs = new List<double>();
        int rows = 0;
        long total = 0;
        for (int k = 0; k < reps; k++)
        {
            var sw = Stopwatch.StartNew();
            using (var response = await http.GetAsync("/api/datasets/fashion/images?" + c.Query))
            {
                response.EnsureSuccessStatusCode();
                using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
                httpMs.Add(sw.Elapsed.TotalMilliseconds);
                rows = doc.RootElement.GetProperty("images").GetArrayLength();
                total = doc.RootElement.GetProperty("total").GetInt64();
            }
            sw.Restart();
            var page = browser.Query(new DatasetRef("fashion", null), c.Lib);
            libMs.Add(sw.Elapsed.TotalMilliseconds);
            if (page.Images.Count != rows || page.Total != total) throw new InvalidOperationException($"{c.Name}: library and HTTP disagree");
            sw.Restart();
            using (var count = bare.CreateCommand())
            {
                count.CommandText = c.BareCount;
                count.Parameters.AddWithValue("$v", version);
                long bareTotal = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
                using var cmd = bare.CreateCommand();
                cmd.CommandText = c.BarePage;
                cmd.Parameters.AddWithValue("$v", version);
                cmd.Parameters.AddWithValue("$run", run);
                using var r = cmd.ExecuteReader();
                int n = 0;
                while (r.Read())
                {
                    _ = r.GetString(6);
                    n++;
                }
                bareMs.Add(sw.Elapsed.TotalMilliseconds);
                if (n != rows || bareTotal != total) throw new InvalidOperationException($"{c.Name}: bare SQL gives {n}/{bareTotal}, HTTP {rows}/{total}");
            }
        }
        string memory = "–";
        if (c.InMemory is { } inMemory)
        {
            var sw = Stopwatch.StartNew();
            var snapshot = ws.OpenSnapshot(new DatasetRef("fashion", null));
            inMemory(snapshot);
            memory = $"{sw.Elapsed.TotalMilliseconds:0.0} ms";
        }
        Console.WriteLine($"{c.Name,-46} {Median(httpMs),6:0.0} ms {P90(httpMs),4:0.0} {Median(libMs),6:0.0} ms {Median(bareMs),6:0.0} ms {memory,10}  {rows}/{total}");
    }
    Console.WriteLine();
    Console.WriteLine("HTTP = GET over loopback incl. auth, JSON and parse (median, p90); library = ImageBrowser.Query; join SQL = the same count + page");
    Console.WriteLine("in a raw SQLite connection written as a join + ORDER BY + OFFSET over version_images (rows read, JSON not parsed; the library's");
    Console.WriteLine("shape before it read index ranges); in memory = the pre-issue route's way (load the version, LINQ), once.");
    Console.WriteLine("Aims (issue 19): page of 100 <= 100 ms; label filter sorted by a field <= 300 ms.");
    Console.WriteLine($"load at the end: {File.ReadAllText("/proc/loadavg").Trim()}");

    if (browserStep) await GridScrollAsync(app.Urls.Single(), info.ImageCount);
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
}
return 0;

// The grid in a real browser: sign in, open the whole version, jump to the end, then walk the scrollbar through 40 even
// positions; every fetch of /images is counted by Playwright (not by the page), and the DOM's tiles are counted.
static async Task GridScrollAsync(string url, int images)
{
    using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
    await using var chromium = await playwright.Chromium.LaunchAsync(new Microsoft.Playwright.BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    var page = await chromium.NewPageAsync(new Microsoft.Playwright.BrowserNewPageOptions { ViewportSize = new() { Width = 1366, Height = 900 } });
    int fetches = 0, rows = 0;
    page.Response += async (_, response) =>
    {
        if (!response.Url.Contains("/api/datasets/fashion/images?", StringComparison.Ordinal)) return;
        fetches++;
        try
        {
            using var doc = JsonDocument.Parse(await response.BodyAsync());
            rows += doc.RootElement.GetProperty("images").GetArrayLength();
        }
        catch (Microsoft.Playwright.PlaywrightException)
        {
            // the page navigated away before the body was read
        }
    };
    await page.GotoAsync(url + "/#/browse/fashion");
    await page.Locator("#login-name").FillAsync("bench");
    await page.Locator("#login-password").FillAsync("bench-password-1");
    var sw = Stopwatch.StartNew();
    await page.Locator("#login-submit").ClickAsync();
    await page.Locator("#grid a.btile[data-index='0'] canvas[data-loaded='true']").WaitForAsync();
    double firstMs = sw.Elapsed.TotalMilliseconds;
    var grid = page.Locator("#grid");
    sw.Restart();
    await grid.EvaluateAsync("g => { g.scrollTop = g.scrollHeight; }");
    await page.Locator($"#grid a.btile[data-index='{images - 1}'] canvas[data-loaded='true']").WaitForAsync();
    double lastMs = sw.Elapsed.TotalMilliseconds;
    int afterJump = fetches, tilesAtEnd = await page.Locator("#grid .btile").CountAsync();
    double height = await grid.EvaluateAsync<double>("g => g.scrollHeight");
    int maxTiles = tilesAtEnd;
    sw.Restart();
    for (int k = 0; k <= 40; k++)
    {
        // Scroll, let two frames pass (the grid renders on the next animation frame), then wait until no tile is a placeholder.
        await grid.EvaluateAsync($"g => new Promise(done => {{ g.scrollTop = (g.scrollHeight - g.clientHeight) * {k} / 40; requestAnimationFrame(() => requestAnimationFrame(done)); }})");
        await page.WaitForFunctionAsync("() => !document.querySelector('#grid .btile.placeholder')");
        maxTiles = Math.Max(maxTiles, await page.Locator("#grid .btile").CountAsync());
    }
    double walkMs = sw.Elapsed.TotalMilliseconds;
    string status = await page.Locator("#browse-status").InnerTextAsync();
    Console.WriteLine();
    Console.WriteLine($"grid in chromium (1366 x 900), {images} images, pages of 100 ({(images + 99) / 100} pages in all), spacer {height:N0} px:");
    Console.WriteLine($"  first tile drawn after sign-in: {firstMs:0} ms; jump to the end: last image's tile drawn after {lastMs:0} ms; {afterJump} page request(s) so far");
    Console.WriteLine($"  walk through 41 even scroll positions: {walkMs:0} ms; {fetches} page requests in all ({rows} rows of {images} loaded); at most {maxTiles} tiles in the DOM");
    Console.WriteLine($"  status line at the end: {status}");
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s[s.Count / 2];
}

static double P90(List<double> xs)
{
    var s = xs.Order().ToList();
    return s[Math.Min(s.Count - 1, (int)(s.Count * 0.9))];
}

static string FindRoot()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "Seer.sln"))) return d.FullName;
    throw new InvalidOperationException("run from inside the repository");
}
