using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Workflows.Definition;
using Seer.Workflows.Runs;

namespace Seer.Workflows.Operations;

/// <summary>
/// <c>best</c> (with <c>join: FOREACH</c>) {by: "STEP.KEY" (a body step's output), order?: max|min} → {branch, value,
/// item, STEP: outputs of every body step of the best branch}: e.g. the best model of a sweep as
/// <c>${steps.best.train.model}</c>. Branches are read from the run store in pages; ties keep the earlier branch, so the
/// same outputs pick the same branch every time.
/// </summary>
public sealed class BestOperation : IFlowOperation
{
    public string Name => "best";

    public Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "by", "order");
        var (foreachId, bodySteps) = context.Join ?? throw context.Invalid("op 'best' needs 'join: FOREACH_STEP'");
        string by = context.RequireString(inputs, "by");
        string order = context.OptionalString(inputs, "order") ?? "max";
        if (order is not ("max" or "min")) throw context.Invalid($"order must be max or min (was '{order}')");
        int dot = by.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !bodySteps.Contains(by[..dot]))
            throw context.Invalid($"by '{by}' must be STEP.KEY with STEP one of the foreach body's steps ({string.Join(", ", bodySteps)})");
        string step = by[..dot], path = by[(dot + 1)..];

        int? bestBranch = null;
        double bestValue = 0;
        var table = new List<IReadOnlyList<object?>>();
        foreach (FlowStepRecord r in context.Store.BranchSteps(context.RunId, step))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (r.State != "succeeded" || r.Outputs is null || r.Branch is not int branch) continue;
            JsonNode? v = FlowExpressions.Resolve("o." + path, root => root == "o" ? r.Outputs : null, $"step '{context.Key}'");
            if (!FlowExpressions.TryNumber(v, out double value) || !double.IsFinite(value)) continue;
            if (table.Count < 200) table.Add([branch, value]);
            if (bestBranch is null || (order == "max" ? value > bestValue : value < bestValue))
            {
                bestBranch = branch;
                bestValue = value;
            }
        }
        if (bestBranch is not int b) throw context.Invalid($"no branch of '{foreachId}' has a number at '{by}'");
        var result = new JsonObject { ["branch"] = b, ["value"] = bestValue };
        foreach (string s in bodySteps)
        {
            var rec = context.Store.FindStep(context.RunId, $"{foreachId}[{b}].{s}");
            result[s] = rec?.Outputs?.DeepClone();
            if (s == bodySteps[0] && rec?.Inputs is not null) result["inputs"] = rec.Inputs.DeepClone();
        }
        context.Card.Table(["branch", by], table, $"{by} per branch ({order} wins: branch {b.ToString(CultureInfo.InvariantCulture)})");
        return Task.FromResult(result);
    }
}

/// <summary><c>collect</c> (with <c>join: FOREACH</c>) {field: "STEP.KEY", limit?: 10000} → {values, count}: one value per
/// succeeded branch, in branch order.</summary>
public sealed class CollectOperation : IFlowOperation
{
    public string Name => "collect";

    public Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "field", "limit");
        var (_, bodySteps) = context.Join ?? throw context.Invalid("op 'collect' needs 'join: FOREACH_STEP'");
        string field = context.RequireString(inputs, "field");
        int limit = (int)(context.OptionalNumber(inputs, "limit") ?? 10_000);
        int dot = field.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !bodySteps.Contains(field[..dot]))
            throw context.Invalid($"field '{field}' must be STEP.KEY with STEP one of the foreach body's steps ({string.Join(", ", bodySteps)})");
        var values = new JsonArray();
        int count = 0;
        foreach (FlowStepRecord r in context.Store.BranchSteps(context.RunId, field[..dot]))
        {
            if (r.State != "succeeded" || r.Outputs is null) continue;
            count++;
            if (values.Count < limit)
                values.Add(FlowExpressions.Resolve("o." + field[(dot + 1)..], root => root == "o" ? r.Outputs : null, $"step '{context.Key}'")?.DeepClone());
        }
        return Task.FromResult(new JsonObject { ["values"] = values, ["count"] = count });
    }
}
