using System.Text.Json.Nodes;
using Seer.Core.Errors;
using Seer.Workflows;
using Seer.Workflows.Operations;
using Seer.Workflows.Runs;

namespace Seer.Workflows.Tests;

/// <summary>The engine with light operations: fan-out bounds, joins, conditions, recorded steps, resume, cards.</summary>
public sealed class FlowRunnerTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), "seer-flow-" + Guid.NewGuid().ToString("N"));

    public FlowRunnerTests() => Directory.CreateDirectory(home);

    public void Dispose() => Directory.Delete(home, recursive: true);

    /// <summary>Waits a few milliseconds, returns {value: input value * 2}; fails when the input's value is listed
    /// in <see cref="FailOn"/> (a test sets it, then clears it before resuming).</summary>
    private sealed class SlowDouble : IFlowOperation
    {
        public HashSet<int> FailOn { get; } = [];
        public int Calls;
        public string Name => "double";

        public async Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            int v = inputs["value"]!.GetValue<int>();
            await Task.Delay(15, cancellationToken);
            if (FailOn.Contains(v)) throw new SeerException(ErrorCodes.InvalidInput, $"value {v} is refused");
            return new JsonObject { ["value"] = v * 2, ["score"] = (v * 37) % 11 };
        }
    }

    private string Write(string yaml)
    {
        string path = Path.Combine(home, "flow.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static FlowOperations Ops(SlowDouble op) => new([new EchoOperation(), new BestOperation(), new CollectOperation(), op]);

    private const string FanOut = """
        name: fan
        params: {n: 40}
        steps:
          - id: base
            op: echo
            with: {k: 3}
          - id: each
            foreach: {range: "${params.n}"}
            concurrency: 3
            steps:
              - id: d
                op: double
                with: {value: "${index}"}
              - id: e
                op: echo
                with: {twice: "${steps.d.value}", k: "${steps.base.k}", label: "item ${index} of ${params.n}"}
          - id: best
            op: best
            join: each
            with: {by: d.score, order: max}
          - id: all
            op: collect
            join: each
            with: {field: e.twice}
          - id: gated
            op: echo
            if: "${steps.best.value} > 100"
            with: {never: true}
        outputs:
          best_branch: "${steps.best.branch}"
          best_twice: "${steps.best.e.twice}"
          count: "${steps.all.count}"
          gated: "${steps.gated}"
        """;

    [Fact]
    public async Task Foreach_RunsEveryBranch_WithinItsConcurrencyBound_AndJoinsPickTheFirstBest()
    {
        var op = new SlowDouble();
        var runner = new FlowRunner(home, Ops(op));
        var result = await runner.RunAsync(Write(FanOut), new Dictionary<string, string>(), CancellationToken.None);

        Assert.Equal("succeeded", result.State);
        Assert.Equal(40, op.Calls);
        Assert.InRange(runner.PeakConcurrency, 2, 3);
        // score = 37v mod 11 = 4v mod 11 reaches its maximum 10 first at v = 8 (and again at 19, 30: ties keep the first)
        Assert.Equal(8, result.Outputs["best_branch"]!.GetValue<int>());
        Assert.Equal(16, result.Outputs["best_twice"]!.GetValue<int>());
        Assert.Equal(40, result.Outputs["count"]!.GetValue<int>());
        Assert.True(result.Outputs["gated"]!["skipped"]!.GetValue<bool>());

        using var store = new FlowRunStore(home);
        var steps = store.ListSteps(result.Run);
        Assert.Equal(1 + 40 * 2 + 2, steps.Count);
        var e5 = steps.Single(s => s.Key == "each[5].e");
        Assert.Equal("item 5 of 40", e5.Inputs!["label"]!.GetValue<string>());
        Assert.Equal(10, e5.Outputs!["twice"]!.GetValue<int>());
        Assert.All(steps, s => Assert.Equal("succeeded", s.State));
        Assert.True(File.Exists(steps.Single(s => s.Key == "best").Card));
    }

    [Fact]
    public async Task Resume_RerunsOnlyTheFailedAndLaterSteps_AndEndsWithTheSameOutputs()
    {
        var op = new SlowDouble();
        op.FailOn.Add(17);
        var runner = new FlowRunner(home, Ops(op));
        string file = Write(FanOut);
        var error = await Assert.ThrowsAsync<SeerException>(() => runner.RunAsync(file, new Dictionary<string, string>(), CancellationToken.None));
        Assert.Contains("value 17 is refused", error.Message);
        using (var store = new FlowRunStore(home))
        {
            var run = store.ListRuns().Single();
            Assert.Equal("failed", run.State);
            Assert.Equal("failed", store.FindStep(run.Id, "each[17].d")!.State);
            Assert.Null(store.FindStep(run.Id, "best"));
        }

        int callsBefore = op.Calls;
        op.FailOn.Clear();
        string runId;
        using (var store = new FlowRunStore(home)) runId = store.ListRuns().Single().Id;
        var resumer = new FlowRunner(home, Ops(op));
        var resumed = await resumer.ResumeAsync(runId, CancellationToken.None);
        Assert.Equal("succeeded", resumed.State);
        int rerun = op.Calls - callsBefore;
        Assert.True(rerun >= 1 && rerun < 40, $"the resume ran 'double' {rerun} times; only branches that had not succeeded should run");
        Assert.True(resumer.Reused >= 1 + (40 - rerun), $"reused {resumer.Reused}");

        var fresh = await new FlowRunner(home, Ops(new SlowDouble())).RunAsync(file, new Dictionary<string, string>(), CancellationToken.None);
        Assert.Equal(fresh.Outputs.ToJsonString(), resumed.Outputs.ToJsonString());
    }

    [Fact]
    public async Task Params_OverrideDefaults_AndAnUnknownParamIsRefused()
    {
        var op = new SlowDouble();
        var runner = new FlowRunner(home, Ops(op));
        var result = await runner.RunAsync(Write(FanOut), new Dictionary<string, string> { ["n"] = "5" }, CancellationToken.None);
        Assert.Equal(5, result.Outputs["count"]!.GetValue<int>());

        var e = await Assert.ThrowsAsync<SeerException>(() => runner.RunAsync(Write(FanOut), new Dictionary<string, string> { ["m"] = "5" }, CancellationToken.None));
        Assert.Contains("no parameter 'm'", e.Message);
    }

    [Fact]
    public async Task AReferenceToAMissingOutput_FailsTheStep_NamingTheReference()
    {
        var runner = new FlowRunner(home, Ops(new SlowDouble()));
        string file = Write("""
            steps:
              - id: a
                op: echo
                with: {x: 1}
              - id: b
                op: echo
                with: {y: "${steps.a.nope}"}
            """);
        var e = await Assert.ThrowsAsync<SeerException>(() => runner.RunAsync(file, new Dictionary<string, string>(), CancellationToken.None));
        Assert.Contains("${steps.a.nope}", e.Message);
        Assert.Contains("step 'b'", e.Message);
    }

    [Fact]
    public async Task ACardHoldsTheStepsInputsAndOutputsAsTables()
    {
        var runner = new FlowRunner(home, Ops(new SlowDouble()));
        var result = await runner.RunAsync(Write("""
            steps:
              - id: a
                op: echo
                with: {greeting: "<b>hello</b>", n: 2}
            """), new Dictionary<string, string>(), CancellationToken.None);
        using var store = new FlowRunStore(home);
        string html = File.ReadAllText(store.FindStep(result.Run, "a")!.Card!);
        Assert.Contains("<caption>inputs</caption>", html);
        Assert.Contains("&lt;b&gt;hello&lt;/b&gt;", html);
        Assert.DoesNotContain("<b>hello</b>", html);
    }
}
