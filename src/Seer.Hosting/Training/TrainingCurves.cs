using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Seer.Training.Engine;

namespace Seer.Hosting.Training;

/// <summary>
/// The per-epoch curves of a model while it trains: read from the run state at the head of each
/// <c>checkpoints/set-N/last.ckpt</c> (written after every epoch), without loading the weights or libtorch.
/// </summary>
public static class TrainingCurves
{
    private const string Magic = "SEER-CKPT-1";

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Curves per parameter set ("set-1", ...) found under a model folder; empty when no epoch has finished.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<EpochRecord>> Read(string modelFolder)
    {
        var result = new SortedDictionary<string, IReadOnlyList<EpochRecord>>(StringComparer.Ordinal);
        string checkpoints = Path.Combine(modelFolder, "checkpoints");
        if (!Directory.Exists(checkpoints)) return result;
        foreach (string run in Directory.GetDirectories(checkpoints))
        {
            var state = ReadState(Path.Combine(run, "last.ckpt"));
            if (state is not null) result[Path.GetFileName(run)] = state.Curves;
        }
        return result;
    }

    /// <summary>The run state of a checkpoint file, or null when it does not exist yet or is being replaced.</summary>
    public static RunState? ReadState(string checkpointPath)
    {
        if (!File.Exists(checkpointPath)) return null;
        try
        {
            using var stream = new FileStream(checkpointPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadString() != Magic) return null;
            return JsonSerializer.Deserialize<RunState>(reader.ReadString(), Json);
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
