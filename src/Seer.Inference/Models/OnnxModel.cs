using Microsoft.ML.OnnxRuntime;
using Seer.Core.Errors;
using Seer.Core.Inference;

namespace Seer.Inference.Models;

/// <summary>
/// An ONNX model opened in ONNX Runtime with its <see cref="InferenceSpec"/>: from the model's own <c>seer.*</c>
/// metadata (Seer's exports) or from a manifest (external models). The spec is checked against the graph's inputs and
/// outputs when the model opens, so a disagreement fails here with a message, not later with a wrong answer.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private OnnxModel(string path, InferenceSession session, InferenceSpec spec, string source)
    {
        Path = path;
        Session = session;
        Spec = spec;
        SpecSource = source;
        InputName = spec.InputName ?? session.InputMetadata.Keys.First();
        OutputNames = spec.OutputNames.Count > 0 ? spec.OutputNames.ToArray() : session.OutputMetadata.Keys.ToArray();
        var inputDims = session.InputMetadata[InputName].Dimensions;
        FixedBatch = inputDims[0] > 0 ? inputDims[0] : null;
    }

    public string Path { get; }
    public InferenceSession Session { get; }
    public InferenceSpec Spec { get; }
    /// <summary>Where the spec came from: "metadata" or the manifest's path.</summary>
    public string SpecSource { get; }
    public string InputName { get; }
    public IReadOnlyList<string> OutputNames { get; }
    /// <summary>The batch size when the graph fixes it (e.g. 1), null when it is dynamic.</summary>
    public int? FixedBatch { get; }

    /// <summary>
    /// Opens <paramref name="modelPath"/>. The spec comes from <paramref name="manifestPath"/> when given, else from
    /// <c>NAME.seer.json</c> beside the model when present, else from the model's metadata.
    /// </summary>
    public static OnnxModel Load(string modelPath, string? manifestPath = null, int intraOpThreads = 0) =>
        Load(modelPath, manifestPath, null, intraOpThreads);

    /// <summary>
    /// Opens <paramref name="modelPath"/> with a spec built in code (a face bundle's parts), checked against the graph
    /// like a manifest's; <paramref name="source"/> names where the spec comes from in errors.
    /// </summary>
    public static OnnxModel Load(string modelPath, InferenceSpec spec, string source, int intraOpThreads = 0) =>
        Load(modelPath, null, (spec, source), intraOpThreads);

    private static OnnxModel Load(string modelPath, string? manifestPath, (InferenceSpec Spec, string Source)? given, int intraOpThreads)
    {
        if (!File.Exists(modelPath))
            throw new SeerException(ErrorCodes.NotFound, $"model file '{modelPath}' does not exist", modelPath);
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        // Idle intra-op threads sleep instead of spinning: the predictor decodes and preprocesses the next batch on the
        // same cores while a batch runs, and spinning threads would take those cycles.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"'{modelPath}' is not a loadable ONNX model: {ex.Message}", modelPath, ex);
        }
        finally
        {
            options.Dispose();
        }
        try
        {
            if (given is null) manifestPath ??= File.Exists(ManifestReader.DefaultPathFor(modelPath)) ? ManifestReader.DefaultPathFor(modelPath) : null;
            InferenceSpec spec;
            string source;
            if (given is { } g)
            {
                spec = g.Spec;
                source = g.Source;
            }
            else if (manifestPath is not null)
            {
                spec = ManifestReader.Read(manifestPath);
                source = manifestPath;
            }
            else
            {
                var meta = session.ModelMetadata.CustomMetadataMap;
                if (!meta.Keys.Any(k => k.StartsWith(InferenceSpec.MetadataPrefix, StringComparison.Ordinal)))
                    throw new SeerException(ErrorCodes.InvalidInput,
                        $"'{modelPath}' carries no Seer metadata; describe it with a manifest " +
                        $"('{System.IO.Path.GetFileName(ManifestReader.DefaultPathFor(modelPath))}' beside it, or --manifest FILE)", modelPath);
                spec = InferenceSpec.FromProperties(meta, $"metadata of '{modelPath}'");
                source = "metadata";
            }
            GraphCheck.Check(session, spec, modelPath, source);
            return new OnnxModel(System.IO.Path.GetFullPath(modelPath), session, spec, source);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Dispose() => Session.Dispose();
}
