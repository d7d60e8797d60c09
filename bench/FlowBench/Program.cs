// FlowBench: a foreach of N light branches (two echo steps each, every instance recorded in runs.db) with a concurrency
// bound; prints wall time, peak RSS (VmHWM) and the most branches seen at once, per size, each size in a fresh child
// process of this program so one run's heap does not hide in the next one's peak.
//   dotnet run -c Release --project bench/FlowBench -- [--sizes 100,10000] [--concurrency 16]
//   (child mode: --one N --concurrency C)
using System.Diagnostics;
using System.Globalization;
using Seer.Workflows;
using Seer.Workflows.Operations;

string Arg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

int concurrency = int.Parse(Arg("--concurrency", "16"), CultureInfo.InvariantCulture);
if (Arg("--one", "") is { Length: > 0 } one)
{
    int n = int.Parse(one, CultureInfo.InvariantCulture);
    string home = Path.Combine(Path.GetTempPath(), "seer-flowbench-" + Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(home);
    string file = Path.Combine(home, "fan.yaml");
    File.WriteAllText(file, $$"""
        name: fan
        params: {n: {{n}}}
        steps:
          - id: each
            foreach: {range: "${params.n}"}
            concurrency: {{concurrency}}
            steps:
              - id: a
                op: echo
                with: {i: "${index}", text: "branch ${index}"}
                card: false
              - id: b
                op: echo
                with: {twice: "${steps.a.i}"}
                card: false
          - id: all
            op: collect
            join: each
            with: {field: b.twice, limit: 10}
        outputs: {count: "${steps.all.count}"}
        """);
    var runner = new FlowRunner(home, FlowOperations.Default());
    var sw = Stopwatch.StartNew();
    var result = runner.RunAsync(file, new Dictionary<string, string>(), CancellationToken.None).GetAwaiter().GetResult();
    sw.Stop();
    long hwmKb = File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).First();
    Console.WriteLine(string.Join('\t', n, result.Outputs["count"]!.ToJsonString(), sw.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
        (hwmKb / 1024.0).ToString("0.0", CultureInfo.InvariantCulture), runner.PeakConcurrency));
    Directory.Delete(home, recursive: true);
    return 0;
}

int[] sizes = Arg("--sizes", "100,10000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
string self = Environment.ProcessPath!;
string dll = Path.Combine(AppContext.BaseDirectory, "FlowBench.dll");
Console.WriteLine($"FlowBench: foreach of N branches x 2 echo steps, concurrency {concurrency}, one child process per size ({Environment.ProcessorCount} cores)");
Console.WriteLine("| branches | branches done | wall s | peak RSS MB | most at once |");
Console.WriteLine("|---|---|---|---|---|");
foreach (int n in sizes)
{
    var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
    if (self.EndsWith("dotnet", StringComparison.Ordinal)) info.ArgumentList.Add(dll);
    foreach (string a in new[] { "--one", n.ToString(CultureInfo.InvariantCulture), "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture) }) info.ArgumentList.Add(a);
    using var p = Process.Start(info)!;
    string line = p.StandardOutput.ReadToEnd().Trim();
    p.WaitForExit();
    if (p.ExitCode != 0) { Console.WriteLine($"| {n} | failed (exit {p.ExitCode}) | | | |"); continue; }
    Console.WriteLine("| " + string.Join(" | ", line.Split('\t')) + " |");
}
return 0;
