using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Errors;

namespace Seer.Workflows.Operations;

/// <summary>
/// <c>command</c> (a custom step) {run: [program, args...], env?: {NAME: value}, timeout_seconds?: 3600} →
/// {exit_code, stdout, outputs}: runs a program without a shell in the step's artifact folder (also in
/// <c>SEER_STEP_DIR</c>); a non-zero exit fails the step with the tail of stderr. If the program writes
/// <c>outputs.json</c> (a JSON object) into that folder, it becomes <c>outputs</c>. Output kept is bounded (64 KB).
/// </summary>
public sealed class CommandOperation : IFlowOperation
{
    private const int MaxKept = 64 * 1024;

    public string Name => "command";

    public async Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "run", "env", "timeout_seconds");
        if (inputs["run"] is not JsonArray run || run.Count == 0 || run.Any(x => x is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            throw context.Invalid("run must be a non-empty list of strings: [program, args...]");
        string dir = context.ArtifactPath(".");
        var start = new ProcessStartInfo(run[0]!.GetValue<string>())
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in run.Skip(1)) start.ArgumentList.Add(arg!.GetValue<string>());
        start.Environment["SEER_STEP_DIR"] = Path.GetFullPath(dir);
        start.Environment["SEER_RUN"] = context.RunId;
        if (inputs["env"] is JsonObject env)
            foreach (var (k, v) in env) start.Environment[k] = v is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : v?.ToJsonString();
        double timeout = context.OptionalNumber(inputs, "timeout_seconds") ?? 3600;

        using var process = new Process { StartInfo = start };
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"step '{context.Key}': cannot start '{start.FileName}': {e.Message}", start.FileName);
        }
        var stdout = Tail(process.StandardOutput, context.Log);
        var stderr = Tail(process.StandardError, null);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(timeout));
        try { await process.WaitForExitAsync(limit.Token).ConfigureAwait(false); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new SeerException(ErrorCodes.InvalidInput, $"step '{context.Key}': '{start.FileName}' ran past timeout_seconds {timeout}");
        }
        string output = await stdout.ConfigureAwait(false), errors = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"step '{context.Key}': '{start.FileName}' exited {process.ExitCode}: {Last(errors, 800)}");
        var result = new JsonObject { ["exit_code"] = 0, ["stdout"] = Last(output, 4000) };
        string outputsFile = Path.Combine(dir, "outputs.json");
        if (File.Exists(outputsFile))
        {
            try { result["outputs"] = JsonNode.Parse(File.ReadAllText(outputsFile)) as JsonObject ?? throw new JsonException("not an object"); }
            catch (JsonException e) { throw new SeerException(ErrorCodes.InvalidInput, $"step '{context.Key}': outputs.json is not a JSON object: {e.Message}", outputsFile); }
        }
        return result;
    }

    private static async Task<string> Tail(StreamReader reader, Action<string>? log)
    {
        var sb = new StringBuilder();
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            log?.Invoke(line);
            sb.AppendLine(line);
            if (sb.Length > 2 * MaxKept) sb.Remove(0, sb.Length - MaxKept);
        }
        return sb.ToString();
    }

    private static string Last(string s, int n) => s.Length <= n ? s.TrimEnd() : "…" + s[^n..].TrimEnd();
}
