using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Seer.Core.Errors;
using Seer.Workflows;
using Seer.Workflows.Operations;
using Seer.Workflows.Runs;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer flow run FILE [--param k=v]...</c>, <c>seer flow resume RUN</c>, <c>seer flow show RUN</c>,
/// <c>seer flow list</c>: flows of Seer operations with foreach fan-out, joins and cards (Seer.Workflows).
/// run/resume --json print {"run", "state", "outputs"}.
/// </summary>
public sealed class FlowCommands : ICommandFactory
{
    public Command Create()
    {
        var command = new Command("flow", "Flows: steps over Seer's operations with foreach fan-out, joins, recorded runs, resume and cards");
        command.Subcommands.Add(Run());
        command.Subcommands.Add(Resume());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command Run()
    {
        var file = new Argument<string>("FILE") { Description = "Flow file (.yaml/.yml or .json; schema docs/flow.schema.json)" };
        var param = new Option<string[]>("--param") { Description = "Set a flow parameter: NAME=VALUE (JSON values keep their type)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("run", "Run a flow file; every step instance is recorded under the run");
        command.Arguments.Add(file);
        command.Options.Add(param);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string p in parse.GetValue(param) ?? [])
            {
                int eq = p.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new SeerException(ErrorCodes.InvalidOptions, $"--param must be NAME=VALUE (was '{p}')");
                overrides[p[..eq]] = p[(eq + 1)..];
            }
            var runner = Runner(parse);
            FlowRunResult result = await runner.RunAsync(parse.GetValue(file)!, overrides, ct).ConfigureAwait(false);
            Print(parse, result, runner);
            return 0;
        });
        return command;
    }

    private static Command Resume()
    {
        var run = new Argument<string>("RUN") { Description = "Run id (seer flow list)" };
        var command = new Command("resume", "Run a failed or interrupted run again, reusing every step that finished with the same inputs");
        command.Arguments.Add(run);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var runner = Runner(parse);
            FlowRunResult result = await runner.ResumeAsync(parse.GetValue(run)!, ct).ConfigureAwait(false);
            Print(parse, result, runner);
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var run = new Argument<string>("RUN") { Description = "Run id" };
        var command = new Command("show", "A run's steps with state, inputs, outputs and card");
        command.Arguments.Add(run);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var store = new FlowRunStore(GlobalOptions.ResolveHome(parse));
            FlowRunInfo info = store.GetRun(parse.GetValue(run)!);
            var steps = store.ListSteps(info.Id);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Output.Json(FlowRunJson.Detail(info, steps));
                return Task.FromResult(0);
            }
            Console.WriteLine($"{info.Id} ({info.Name}): {info.State}{(info.Error is null ? "" : ": " + info.Error)}");
            var table = new Table().AddColumns("step", "state", "seconds", "card");
            foreach (var s in steps.Take(200))
                table.AddRow(Markup.Escape(s.Key), s.State,
                    s.StartedAt is { } a && s.FinishedAt is { } b ? (b - a).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) : "",
                    Markup.Escape(s.Card ?? ""));
            AnsiConsole.Write(table);
            if (steps.Count > 200) Console.WriteLine($"… {steps.Count - 200} more step instances (--json lists all)");
            if (info.Outputs is { } o) Console.WriteLine("outputs: " + o.ToJsonString());
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Flow runs, newest first");
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var store = new FlowRunStore(GlobalOptions.ResolveHome(parse));
            var runs = store.ListRuns();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Output.Json(new JsonArray(runs.Select(r => (JsonNode)FlowRunJson.Summary(r)).ToArray()));
                return Task.FromResult(0);
            }
            var table = new Table().AddColumns("run", "flow", "state", "started", "outputs");
            foreach (var r in runs)
                table.AddRow(r.Id, Markup.Escape(r.Name), r.State, r.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
                    Markup.Escape(r.Outputs?.ToJsonString() ?? ""));
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    private static FlowRunner Runner(ParseResult parse)
    {
        bool json = parse.GetValue(GlobalOptions.Json);
        string home = GlobalOptions.ResolveHome(parse);
        return new FlowRunner(home, FlowOperations.Default())
        {
            Log = json ? null : line => Console.Error.WriteLine(line),
            // with a cluster's SEER_DB, steps read the models its workers trained, as the model commands do (what a
            // flow trains here stays on this machine, as `seer train` does)
            Models = new FlowModels(Fetch: model => SharedModels.Model(home, model), Publish: _ => { }),
        };
    }

    private static void Print(ParseResult parse, FlowRunResult result, FlowRunner runner)
    {
        if (parse.GetValue(GlobalOptions.Json))
        {
            Output.Json(new JsonObject
            {
                ["run"] = result.Run, ["state"] = result.State, ["outputs"] = result.Outputs.DeepClone(),
                ["executed"] = runner.Executed, ["reused"] = runner.Reused,
            });
            return;
        }
        Console.WriteLine($"{result.Run}: {result.State} ({runner.Executed} steps run, {runner.Reused} reused)");
        foreach (var (k, v) in result.Outputs) Console.WriteLine($"  {k}: {v?.ToJsonString()}");
    }
}
