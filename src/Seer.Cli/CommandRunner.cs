using System.CommandLine;
using System.Text.Json;
using Seer.Core.Errors;

namespace Seer.Cli;

/// <summary>
/// Wraps a command's action: runs it, prints SeerException as "error: ..." (or a JSON error object with --json)
/// on stderr and returns the error code's exit code. Every command's action goes through here.
/// </summary>
public static class CommandRunner
{
    public static void SetAction(this Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            try
            {
                GlobalOptions.ApplyBackends(parse);
                return await action(parse, ct).ConfigureAwait(false);
            }
            catch (SeerException ex)
            {
                ReportError(parse, ex.Code, ex.Message, ex.Path);
                return ErrorCodes.ExitCode(ex.Code);
            }
            catch (OperationCanceledException)
            {
                ReportError(parse, "cancelled", "cancelled", null);
                return 130;
            }
            catch (Exception ex) when (LibraryErrors.Translate(ex) is { } mapped)
            {
                // Bad input that a library (parser, file API) found: the same mapping as the server's and the job runner's.
                ReportError(parse, mapped.Code, mapped.Message, mapped.Path);
                return ErrorCodes.ExitCode(mapped.Code);
            }
            catch (Exception ex) when (Environment.GetEnvironmentVariable("SEER_DEBUG") != "1")
            {
                // A bug, not bad input: one line instead of a stack trace (SEER_DEBUG=1 shows the trace).
                ReportError(parse, "internal", $"internal error ({ex.GetType().Name}): {ex.Message}; this is a bug in Seer " +
                                               "(run with SEER_DEBUG=1 for the stack trace)", null);
                return 1;
            }
        });
    }

    /// <summary>
    /// Parses and runs the command line. Parser errors (unknown command or option, a value of the wrong type, a
    /// missing required option) print like every other error, as JSON with --json, and exit 2.
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parse = root.Parse(args);
        // `seer nosuch --help` must not print help and exit 0: an unmatched token is a parse error even beside --help.
        if (parse.Errors.Count == 0 && parse.UnmatchedTokens.Count == 0) return await parse.InvokeAsync().ConfigureAwait(false);
        var messages = parse.Errors.Select(e => e.Message).ToList();
        foreach (var token in parse.UnmatchedTokens.Where(t => !messages.Any(m => m.Contains(t, StringComparison.Ordinal))))
            messages.Add($"Unrecognized command or argument '{token}'.");
        string message = string.Join("; ", messages);
        if (args.Contains("--json", StringComparer.Ordinal))
            WriteJsonError(ErrorCodes.InvalidOptions, message, null);
        else
            Console.Error.WriteLine($"error: {message} (see '{string.Join(' ', CommandPath(parse).Prepend("seer"))} --help')");
        return ErrorCodes.ExitCode(ErrorCodes.InvalidOptions);
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            if (r.Command is not RootCommand) names.Insert(0, r.Command.Name);
        return names;
    }

    private static void WriteJsonError(string code, string message, string? path)
    {
        var error = new Dictionary<string, object?> { ["code"] = code, ["message"] = message, ["file"] = path };
        Console.Error.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["error"] = error }));
    }

    private static void ReportError(ParseResult parse, string code, string message, string? path)
    {
        if (parse.GetValue(GlobalOptions.Json))
        {
            WriteJsonError(code, message, path);
        }
        else
        {
            Console.Error.WriteLine($"error: {message}");
        }
    }
}
