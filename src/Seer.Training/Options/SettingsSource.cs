using System.Text.Json;

namespace Seer.Training.Options;

/// <summary>
/// Where training settings come from, so <see cref="TrainingOptionsLoader"/> and <see cref="TrainingOptionsValidator"/>
/// spell keys and fixes the way that source does: the command line and params files (camelCase keys, e.g.
/// <c>"batchSize"</c>, and the flags of <c>seer train</c>), or a job's parameters (snake_case keys, e.g.
/// <c>"batch_size"</c>; errors name the job key, never a CLI flag).
/// </summary>
public sealed record SettingsSource
{
    private SettingsSource(string display, JsonNamingPolicy naming, string? path, bool job)
    {
        Display = display;
        Naming = naming;
        Path = path;
        IsJob = job;
    }

    /// <summary>How errors name the source: "params file 'x.json'", "the command line", "training job".</summary>
    public string Display { get; }

    public JsonNamingPolicy Naming { get; }

    /// <summary>The file, when the settings come from one (the error's path).</summary>
    public string? Path { get; }

    public bool IsJob { get; }

    public static SettingsSource CommandLine { get; } = new("the command line", JsonNamingPolicy.CamelCase, null, job: false);

    public static SettingsSource ParamsFile(string path) => new($"params file '{path}'", JsonNamingPolicy.CamelCase, path, job: false);

    /// <summary>The parameters of a job of <paramref name="kind"/> (training, iteration).</summary>
    public static SettingsSource Job(string kind) => new($"{kind} job", JsonNamingPolicy.SnakeCaseLower, null, job: true);

    /// <summary>The key of a <see cref="TrainingOptions"/> property in this source.</summary>
    public string Key(string property) => Naming.ConvertName(property);

    /// <summary>How to change a setting: the job key, or the flag (when there is one) and the params-file key.</summary>
    public string Fix(string property, string? flag) =>
        IsJob ? $"set the job parameter '{Key(property)}'"
        : flag is null ? $"set \"{Key(property)}\" in a params file" : $"set {flag} or \"{Key(property)}\" in a params file";
}
