using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Data.Operations;
using Seer.Data.Versions;
using Spectre.Console;

namespace Seer.Cli.Commands.Dataset;

/// <summary>The JSON shapes and human-readable rendering shared by the dataset commands.</summary>
internal static class DatasetOutput
{
    public static Dictionary<string, object?> Version(DatasetVersionInfo v, bool? created = null)
    {
        var map = new Dictionary<string, object?>
        {
            ["dataset"] = v.Dataset,
            ["version"] = v.Version,
            ["short"] = VersionIds.Short(v.Version),
            ["operation"] = v.Operation,
            ["parents"] = v.Parents.ToList(),
            ["parameters"] = JsonSerializer.Deserialize<JsonElement>(v.ParametersJson),
            ["created_at"] = v.CreatedAt,
            ["images"] = v.ImageCount,
            ["labelled"] = v.LabelledCount,
        };
        if (created is bool c) map["created"] = c;
        return map;
    }

    public static List<Dictionary<string, string>> Issues(IEnumerable<ItemIssue> issues) =>
        issues.Select(i => new Dictionary<string, string> { ["file"] = i.File, ["reason"] = i.Reason }).ToList();

    /// <summary>Result of an operation that writes one version: the version's fields plus removed and notes.</summary>
    public static Dictionary<string, object?> Operation(OperationResult result)
    {
        var commit = result.Versions.Single();
        var map = Version(commit.Version, commit.Created);
        map["removed"] = Issues(result.Removed);
        map["notes"] = Issues(result.Notes);
        return map;
    }

    public static void PrintOperation(OperationResult result, bool json)
    {
        if (json)
        {
            Output.Json(Operation(result));
            return;
        }
        foreach (var c in result.Versions) PrintCommit(c);
        PrintIssues("removed", result.Removed);
        PrintIssues("note", result.Notes);
    }

    public static void PrintCommit(CommitResult c)
    {
        var v = c.Version;
        string what = c.Created ? "new version" : "unchanged, existing version";
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(v.Dataset)}@{VersionIds.Short(v.Version)}[/] ({what}): " +
                               $"{v.ImageCount} images, {v.LabelledCount} labelled, {Markup.Escape(v.Operation)}");
    }

    public static void PrintIssues(string kind, IReadOnlyList<ItemIssue> issues, int max = 50)
    {
        foreach (var i in issues.Take(max)) AnsiConsole.MarkupLine($"  {kind}: {Markup.Escape(i.File)}: {Markup.Escape(i.Reason)}");
        if (issues.Count > max) AnsiConsole.MarkupLine($"  ... and {issues.Count - max} more {kind} (see --json)");
    }
}
