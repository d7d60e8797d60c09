using Seer.Inference.Models;

namespace Seer.Hosting.Models;

/// <summary>A model the server serves: an ONNX file (Seer's export, or an external model with its manifest) under a name.</summary>
public sealed record ServedModel(string Name, string OnnxPath, string? ManifestPath, string CreatedBy, DateTimeOffset CreatedAt)
{
    public OnnxModel Load(int intraOpThreads = 0) => OnnxModel.Load(OnnxPath, ManifestPath, intraOpThreads);
}
