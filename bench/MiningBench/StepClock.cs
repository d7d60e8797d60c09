using System.Diagnostics;
using System.Globalization;
using Seer.ActiveLearning.Iterations;

namespace MiningBench;

/// <summary>
/// Where a loop's time goes: wall and process CPU seconds per iteration step (prepare, mine, label, merge, train,
/// evaluate), summed over every run of the bench. CPU time is what a loaded machine does not distort.
/// </summary>
internal sealed class StepClock : IProgress<IterationEvent>
{
    private readonly Dictionary<string, (double Wall, double Cpu, int Count)> _totals = new(StringComparer.Ordinal);
    private readonly Stopwatch _wall = new();
    private TimeSpan _cpuAtStart;

    public void Report(IterationEvent value)
    {
        if (value.Phase == "started")
        {
            _wall.Restart();
            _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        }
        else if (value.Phase == "done")
        {
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds;
            var t = _totals.GetValueOrDefault(value.Step);
            _totals[value.Step] = (t.Wall + _wall.Elapsed.TotalSeconds, t.Cpu + cpu, t.Count + 1);
        }
    }

    public string Summary()
    {
        var inv = CultureInfo.InvariantCulture;
        double cpu = _totals.Values.Sum(t => t.Cpu);
        return "step seconds (wall / CPU, runs): " + string.Join("  ", _totals.Select(kv =>
            string.Create(inv, $"{kv.Key} {kv.Value.Wall:0}/{kv.Value.Cpu:0} ({kv.Value.Count})"))) +
            string.Create(inv, $"  total CPU {cpu:0} s");
    }
}
