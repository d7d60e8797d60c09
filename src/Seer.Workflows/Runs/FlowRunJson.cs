using System.Text.Json.Nodes;

namespace Seer.Workflows.Runs;

/// <summary>The JSON shapes of runs, one place for <c>seer flow list|show --json</c> and the server's /api/flows.</summary>
public static class FlowRunJson
{
    /// <summary>{"run", "name", "state", "file", "created_at", "finished_at", "outputs"}.</summary>
    public static JsonObject Summary(FlowRunInfo r) => new()
    {
        ["run"] = r.Id, ["name"] = r.Name, ["state"] = r.State, ["file"] = r.File,
        ["created_at"] = r.CreatedAt, ["finished_at"] = r.FinishedAt, ["outputs"] = r.Outputs?.DeepClone(),
    };

    /// <summary>The run with its parameters, outputs and error, and "steps": [{"key", "step", "branch", "state", "inputs",
    /// "outputs", "card", "started_at", "finished_at", "seconds", "error"}].</summary>
    public static JsonObject Detail(FlowRunInfo info, IEnumerable<FlowStepRecord> steps) => new()
    {
        ["run"] = info.Id, ["name"] = info.Name, ["state"] = info.State, ["file"] = info.File,
        ["params"] = info.Params.DeepClone(), ["outputs"] = info.Outputs?.DeepClone(), ["error"] = info.Error,
        ["created_at"] = info.CreatedAt, ["finished_at"] = info.FinishedAt,
        ["steps"] = new JsonArray(steps.Select(s => (JsonNode)new JsonObject
        {
            ["key"] = s.Key, ["step"] = s.StepId, ["branch"] = s.Branch, ["state"] = s.State,
            ["inputs"] = s.Inputs?.DeepClone(), ["outputs"] = s.Outputs?.DeepClone(), ["card"] = s.Card,
            ["started_at"] = s.StartedAt, ["finished_at"] = s.FinishedAt,
            ["seconds"] = s.StartedAt is { } a && s.FinishedAt is { } b ? Math.Round((b - a).TotalSeconds, 3) : null,
            ["error"] = s.Error,
        }).ToArray()),
    };
}
