using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Workflows.Cards;
using Seer.Workflows.Definition;
using Seer.Workflows.Operations;
using Seer.Workflows.Runs;

namespace Seer.Workflows;

/// <summary>
/// Runs a flow: top-level steps in order; a foreach runs its body once per item with at most <c>concurrency</c>
/// branches at a time (branches are started as slots free up, and their outputs go to the run store, not to memory, so
/// 10,000 branches cost what a few do); a join step reads the branches from the store. Every step instance is recorded
/// with the hash of its substituted inputs. A resume runs the recorded flow text again and reuses every instance that
/// succeeded with the same inputs, so only failed, unfinished and later steps do work.
/// </summary>
public sealed class FlowRunner
{
    private readonly string home;
    private readonly FlowOperations operations;
    private long sequence;
    private int running;

    public FlowRunner(string home, FlowOperations operations)
    {
        this.home = home;
        this.operations = operations;
    }

    /// <summary>Called with a line for every step that starts, is reused, finishes or fails.</summary>
    public Action<string>? Log { get; init; }

    public IProgress<WorkProgress>? Progress { get; init; }

    /// <summary>The cluster's models, for steps that read or register models (null on one machine).</summary>
    public FlowModels? Models { get; init; }

    /// <summary>Called with the run id as soon as a new run is recorded (a job keeps it as its checkpoint, to resume).</summary>
    public Action<string>? RunCreated { get; init; }

    /// <summary>The most branches seen running at once in the last run (for tests and benchmarks).</summary>
    public int PeakConcurrency { get; private set; }

    /// <summary>How many step instances the last run reused from earlier attempts.</summary>
    public int Reused => reused;
    private int reused;

    /// <summary>How many step instances the last run executed.</summary>
    public int Executed => executed;
    private int executed;

    public async Task<FlowRunResult> RunAsync(string file, IReadOnlyDictionary<string, string> paramOverrides, CancellationToken cancellationToken)
    {
        FlowDefinition flow = FlowLoader.LoadFile(file, operations.Names);
        JsonObject @params = ResolveParams(flow, paramOverrides, file);
        string runId = NewRunId();
        using var store = new FlowRunStore(home);
        store.CreateRun(new FlowRunInfo(runId, flow.Name, Path.GetFullPath(file), flow.SourceText, flow.SourceFormat, @params, "running", DateTimeOffset.UtcNow));
        RunCreated?.Invoke(runId);
        return await ExecuteAsync(store, runId, flow, @params, cancellationToken).ConfigureAwait(false);
    }

    public async Task<FlowRunResult> ResumeAsync(string runId, CancellationToken cancellationToken)
    {
        using var store = new FlowRunStore(home);
        FlowRunInfo run = store.GetRun(runId);
        if (run.State == "succeeded")
            return new FlowRunResult(runId, run.State, run.Outputs ?? []);
        FlowDefinition flow = FlowLoader.Parse(run.FlowText, run.FlowFormat, run.File, operations.Names);
        store.MarkRunning(runId);
        sequence = store.ListSteps(runId).Select(s => s.Seq).DefaultIfEmpty(0).Max();
        return await ExecuteAsync(store, runId, flow, run.Params, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FlowRunResult> ExecuteAsync(FlowRunStore store, string runId, FlowDefinition flow, JsonObject @params, CancellationToken ct)
    {
        PeakConcurrency = 0; reused = 0; executed = 0;
        var outputs = new JsonObject();   // top-level step id -> outputs
        var runInfo = new JsonObject { ["id"] = runId, ["dir"] = store.RunDirectory(runId) };
        try
        {
            foreach (FlowStep step in flow.Steps)
            {
                ct.ThrowIfCancellationRequested();
                FlowExpressions.RootLookup lookup = Lookup(@params, outputs, runInfo, null, null, null);
                if (step.Foreach is { } fe)
                {
                    if (step.If is { } cond && !FlowExpressions.Condition(cond, lookup, $"step '{step.Id}'"))
                    {
                        outputs[step.Id] = new JsonObject { ["skipped"] = true };
                        Log?.Invoke($"{step.Id}: skipped ({cond})");
                        continue;
                    }
                    outputs[step.Id] = await RunForeachAsync(store, runId, step, fe, @params, outputs, runInfo, ct).ConfigureAwait(false);
                }
                else
                {
                    outputs[step.Id] = await RunInstanceAsync(store, runId, step, step.Id, null, lookup, flow, ct).ConfigureAwait(false);
                }
            }
            var lookupAll = Lookup(@params, outputs, runInfo, null, null, null);
            var result = FlowExpressions.Substitute(flow.Outputs, lookupAll, "flow outputs") as JsonObject ?? [];
            store.FinishRun(runId, "succeeded", result, null);
            return new FlowRunResult(runId, "succeeded", result);
        }
        catch (OperationCanceledException)
        {
            store.FinishRun(runId, "cancelled", null, "cancelled");
            throw;
        }
        catch (Exception e)
        {
            store.FinishRun(runId, "failed", null, e.Message);
            throw;
        }
    }

    private async Task<JsonObject> RunForeachAsync(FlowRunStore store, string runId, FlowStep step, FlowForeach fe,
        JsonObject @params, JsonObject outputs, JsonObject runInfo, CancellationToken ct)
    {
        var lookup = Lookup(@params, outputs, runInfo, null, null, null);
        JsonArray? list = null;
        int count;
        JsonNode? items = FlowExpressions.Substitute(fe.Items, lookup, $"step '{step.Id}' foreach");
        if (items is JsonArray a) { list = a; count = a.Count; }
        else if (items is JsonObject o && o.Count == 1 && FlowExpressions.TryNumber(o["range"], out double n) && n >= 0 && n <= int.MaxValue && n == Math.Floor(n)) count = (int)n;
        else throw new SeerException(ErrorCodes.InvalidInput, $"step '{step.Id}': foreach takes a list or {{\"range\": N}} (was {items?.ToJsonString() ?? "null"})");

        using var slots = new SemaphoreSlim(fe.Concurrency);
        var active = new List<Task>();
        Exception? firstError = null;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        running = 0;
        int succeeded = 0;
        for (int i = 0; i < count; i++)
        {
            try { await slots.WaitAsync(failed.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
            int index = i;
            JsonNode? item = list is null ? JsonValue.Create(index) : list[index];
            active.Add(Task.Run(async () =>
            {
                int now = Interlocked.Increment(ref running);
                lock (this) PeakConcurrency = Math.Max(PeakConcurrency, now);
                try
                {
                    var branch = new JsonObject();
                    foreach (FlowStep body in step.Steps)
                    {
                        var bl = Lookup(@params, outputs, runInfo, branch, item, index);
                        string key = $"{step.Id}[{index}].{body.Id}";
                        if (body.If is { } cond && !FlowExpressions.Condition(cond, bl, $"step '{key}'"))
                        {
                            branch[body.Id] = new JsonObject { ["skipped"] = true };
                            continue;
                        }
                        branch[body.Id] = await RunInstanceAsync(store, runId, body, key, index, bl, null, failed.Token).ConfigureAwait(false);
                    }
                    Interlocked.Increment(ref succeeded);
                }
                catch (Exception e)
                {
                    if (Interlocked.CompareExchange(ref firstError, e, null) is null) failed.Cancel();
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                    slots.Release();
                }
            }, CancellationToken.None));
            if (active.Count > fe.Concurrency * 4) active.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(active).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        if (firstError is not null)
            throw firstError is SeerException or OperationCanceledException ? firstError
                : new SeerException(ErrorCodes.InvalidInput, $"step '{step.Id}': a branch failed: {firstError.Message}", null, firstError);
        Log?.Invoke($"{step.Id}: {succeeded} branches done (at most {PeakConcurrency} at once)");
        return new JsonObject { ["branches"] = count, ["succeeded"] = succeeded };
    }

    private async Task<JsonObject> RunInstanceAsync(FlowRunStore store, string runId, FlowStep step, string key, int? branch,
        FlowExpressions.RootLookup lookup, FlowDefinition? flow, CancellationToken ct)
    {
        if (step.If is { } cond && branch is null && !FlowExpressions.Condition(cond, lookup, $"step '{key}'"))
        {
            Log?.Invoke($"{key}: skipped ({cond})");
            return new JsonObject { ["skipped"] = true };
        }
        IFlowOperation op = operations.Get(step.Op!);
        JsonObject inputs = FlowExpressions.Substitute(step.With, lookup, $"step '{key}'") switch
        {
            null => [],
            JsonObject o => o,
            var other => throw new SeerException(ErrorCodes.InvalidInput, $"step '{key}': 'with' must be an object (was {other.ToJsonString()})"),
        };
        string hash = Hash(step.Op!, step.Join, inputs);
        FlowStepRecord? earlier = store.FindStep(runId, key);
        if (earlier is { State: "succeeded" } && earlier.InputsHash == hash && earlier.Outputs is not null)
        {
            Interlocked.Increment(ref reused);
            if (branch is null) Log?.Invoke($"{key}: reused (finished earlier with the same inputs)");
            return earlier.Outputs;
        }
        long seq = Interlocked.Increment(ref sequence);
        store.StartStep(runId, key, step.Id, branch, seq, hash, inputs);
        if (branch is null) Log?.Invoke($"{key}: {step.Op} started");
        string safeKey = string.Concat(key.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        var card = new Card($"{step.Op} — {key}");
        (string, IReadOnlyList<string>)? join = null;
        if (step.Join is { } j && flow is not null)
            join = (j, flow.Steps.First(s => s.Id == j).Steps.Select(s => s.Id).ToList());
        var context = new FlowStepContext
        {
            Home = home, RunId = runId, Key = key, StepId = step.Id, Store = store, Card = card, Join = join,
            ArtifactDirectory = Path.Combine(store.RunDirectory(runId), "artifacts", safeKey),
            Log = line => Log?.Invoke($"{key}: {line}"), Progress = Progress, Models = Models,
        };
        try
        {
            JsonObject result = await op.RunAsync(context, inputs, ct).ConfigureAwait(false);
            Interlocked.Increment(ref executed);
            string? cardPath = null;
            if (step.Card)
            {
                card.KeyValues("inputs", inputs);
                card.KeyValues("outputs", result);
                cardPath = Path.Combine(store.RunDirectory(runId), "cards", safeKey + ".html");
                card.WriteTo(cardPath);
            }
            store.FinishStep(runId, key, "succeeded", result, cardPath, null);
            if (branch is null) Log?.Invoke($"{key}: done");
            return result;
        }
        catch (OperationCanceledException)
        {
            store.FinishStep(runId, key, "cancelled", null, null, "cancelled");
            throw;
        }
        catch (Exception e)
        {
            store.FinishStep(runId, key, "failed", null, null, e.Message);
            Log?.Invoke($"{key}: failed: {e.Message}");
            throw;
        }
    }

    private static FlowExpressions.RootLookup Lookup(JsonObject @params, JsonObject outputs, JsonObject run, JsonObject? branch, JsonNode? item, int? index) =>
        root => root switch
        {
            "params" => @params,
            "run" => run,
            "item" => item,
            "index" => index is null ? null : JsonValue.Create(index.Value),
            "steps" => branch is null ? outputs : Merge(outputs, branch),
            _ => null,
        };

    private static JsonObject Merge(JsonObject outer, JsonObject branch)
    {
        // a branch's own steps shadow top-level ids; shallow view, values shared (read-only use)
        var view = new JsonObject();
        foreach (var (k, v) in outer) view[k] = v?.DeepClone();
        foreach (var (k, v) in branch) view[k] = v?.DeepClone();
        return view;
    }

    private static JsonObject ResolveParams(FlowDefinition flow, IReadOnlyDictionary<string, string> overrides, string file)
    {
        var result = (JsonObject)flow.Params.DeepClone();
        foreach (var (k, v) in overrides)
        {
            if (!result.ContainsKey(k))
                throw new SeerException(ErrorCodes.InvalidInput, $"--param {k}: the flow has no parameter '{k}' (it has: {string.Join(", ", result.Select(p => p.Key))})", file);
            // a value that parses as JSON (number, true, list) keeps its type; anything else is a string
            JsonNode? parsed;
            try { parsed = JsonNode.Parse(v); } catch (System.Text.Json.JsonException) { parsed = JsonValue.Create(v); }
            result[k] = parsed;
        }
        return result;
    }

    private static string Hash(string op, string? join, JsonObject inputs)
    {
        string text = op + "\n" + (join ?? "") + "\n" + FlowExpressions.Canonical(inputs);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string NewRunId() =>
        "r-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
}

/// <summary>What a run or resume ends with: {"run", "state", "outputs"}.</summary>
public sealed record FlowRunResult(string Run, string State, JsonObject Outputs);
