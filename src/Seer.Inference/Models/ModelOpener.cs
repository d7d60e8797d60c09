using Seer.Core.Errors;

namespace Seer.Inference.Models;

/// <summary>
/// Opens the model a user names: a path to an .onnx file (Seer's export with its metadata, or an external model with
/// a manifest) or a registry id, which <c>resolveRegistryId</c> turns into the path of the model's ONNX export.
/// </summary>
public static class ModelOpener
{
    public static OnnxModel Open(string model, string? manifestPath = null, Func<string, string?>? resolveRegistryId = null,
        int intraOpThreads = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (manifestPath is not null && !File.Exists(manifestPath))
            throw new SeerException(ErrorCodes.NotFound, $"manifest '{manifestPath}' does not exist", manifestPath);
        if (File.Exists(model)) return OnnxModel.Load(model, manifestPath, intraOpThreads);
        bool looksLikePath = model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ||
                             model.Contains('/', StringComparison.Ordinal) || model.Contains('\\', StringComparison.Ordinal);
        if (looksLikePath)
            throw new SeerException(ErrorCodes.NotFound, $"model file '{model}' does not exist", model);
        string? exported = resolveRegistryId?.Invoke(model);
        if (exported is null)
            throw new SeerException(ErrorCodes.NotFound,
                $"model '{model}' is neither an .onnx file nor a model id in the registry (`seer model list` shows the ids)", model);
        return OnnxModel.Load(exported, manifestPath, intraOpThreads);
    }
}
