using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Data.Operations;

namespace Seer.Workflows.Operations;

/// <summary><c>echo</c>: returns its inputs as outputs. A light step for fan-out tests and benchmarks, and a way to
/// name values once (<c>with: {lr: 0.01}</c>).</summary>
public sealed class EchoOperation : IFlowOperation
{
    public string Name => "echo";

    public Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken) =>
        Task.FromResult((JsonObject)inputs.DeepClone());
}

/// <summary><c>split</c> {dataset, ratios?: [0.8,0.1,0.1], seed?: 0, name?: PREFIX} → {train, val, test}: the parts as
/// <c>NAME@VERSION</c>, through the same <see cref="DatasetOperations.Split"/> as <c>seer dataset split</c>.</summary>
public sealed class SplitOperation : IFlowOperation
{
    public string Name => "split";

    public Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "dataset", "ratios", "seed", "name");
        string dataset = context.RequireString(inputs, "dataset");
        double[] ratios = inputs["ratios"] is JsonArray a
            ? a.Select(x => Seer.Workflows.Definition.FlowExpressions.TryNumber(x, out double r) ? r : throw context.Invalid("ratios must be numbers")).ToArray()
            : [0.8, 0.1, 0.1];
        int seed = (int)(context.OptionalNumber(inputs, "seed") ?? 0);
        using var workspace = Workspace.Open(context.Home);
        OperationResult result = new DatasetOperations(workspace).Split(DatasetRef.Parse(dataset), ratios, seed, context.OptionalString(inputs, "name"));
        var outputs = new JsonObject();
        string[] parts = ["train", "val", "test"];
        for (int i = 0; i < result.Versions.Count && i < parts.Length; i++)
        {
            var v = result.Versions[i].Version;
            outputs[parts[i]] = $"{v.Dataset}@{v.Version}";
            outputs[parts[i] + "_images"] = v.ImageCount;
        }
        context.Card.Table(["part", "version", "images"], Enumerable.Range(0, result.Versions.Count)
            .Select(i => (IReadOnlyList<object?>)[parts[Math.Min(i, 2)], $"{result.Versions[i].Version.Dataset}@{result.Versions[i].Version.Version[..10]}", result.Versions[i].Version.ImageCount]), "split");
        return Task.FromResult(outputs);
    }
}

/// <summary><c>sample</c> {dataset, count? | fraction?, stratified?: false, seed?: 0, name?} → {dataset, images}: one
/// shard or sample of a version, through <see cref="DatasetOperations.Sample"/>.</summary>
public sealed class SampleOperation : IFlowOperation
{
    public string Name => "sample";

    public Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "dataset", "count", "fraction", "stratified", "seed", "name");
        string dataset = context.RequireString(inputs, "dataset");
        int? count = context.OptionalNumber(inputs, "count") is double c ? (int)c : null;
        double? fraction = context.OptionalNumber(inputs, "fraction");
        bool stratified = inputs["stratified"]?.GetValueKind() == JsonValueKind.True;
        int seed = (int)(context.OptionalNumber(inputs, "seed") ?? 0);
        using var workspace = Workspace.Open(context.Home);
        var result = new DatasetOperations(workspace).Sample(DatasetRef.Parse(dataset), count, fraction, stratified, seed, context.OptionalString(inputs, "name"));
        var v = result.Versions[0].Version;
        return Task.FromResult(new JsonObject { ["dataset"] = $"{v.Dataset}@{v.Version}", ["images"] = v.ImageCount });
    }
}

/// <summary><c>import</c> {path, format, name, max_pixels?} → {dataset, images, labelled, rejected}: a folder or .zip
/// through the format's importer and the same <see cref="Seer.Data.Import.ImportPipeline"/> as <c>seer dataset
/// import</c> (a flow runs as the local user, like the CLI).</summary>
public sealed class ImportOperation : IFlowOperation
{
    public string Name => "import";

    public async Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "path", "format", "name", "max_pixels");
        string path = context.RequireString(inputs, "path");
        string format = context.RequireString(inputs, "format");
        var request = new Seer.Data.Import.ImportRequest(context.RequireString(inputs, "name"))
        {
            Format = format, Source = path, MaxPixels = (long)(context.OptionalNumber(inputs, "max_pixels") ?? 100_000_000),
        };
        var importer = Seer.Formats.FormatRegistry.GetImporter(format);
        using var files = Seer.Formats.FileSources.Open(path, cancellationToken);
        var read = await Seer.Formats.FileSources.ReadAsync(importer, files, new Seer.Core.Interchange.ImportOptions { MaxPixels = request.MaxPixels },
            cancellationToken).ConfigureAwait(false);
        using var workspace = Workspace.Open(context.Home);
        var result = await new Seer.Data.Import.ImportPipeline(workspace).RunAsync(read, request, context.Progress, cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["dataset"] = $"{result.Dataset}@{result.Version}", ["images"] = result.Images, ["labelled"] = result.Labelled,
            ["rejected"] = result.Rejected.Count,
        };
    }
}
