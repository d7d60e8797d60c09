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
        });
    }

    private static void ReportError(ParseResult parse, string code, string message, string? path)
    {
        if (parse.GetValue(GlobalOptions.Json))
        {
            var error = new Dictionary<string, object?> { ["code"] = code, ["message"] = message, ["file"] = path };
            Console.Error.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["error"] = error }));
        }
        else
        {
            Console.Error.WriteLine($"error: {message}");
        }
    }
}
