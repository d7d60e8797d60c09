using System.Text;
using System.Text.Json;
using Seer.Core.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// A run's checkpoint, one file written atomically (temp + rename) after every epoch: a header, the run state as JSON,
/// the model's state dict and the optimizer's state. A crash mid-write leaves the previous checkpoint intact.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "SEER-CKPT-1";

    public static void Save(string path, RunState state, nn.Module model, IStepOptimizer optimizer)
    {
        string temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(state, JsonOptions));
            model.save(writer);
            optimizer.Save(writer);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public static RunState Load(string path, nn.Module model, IStepOptimizer optimizer)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadString() != Magic)
                throw new SeerException(ErrorCodes.InvalidInput, $"checkpoint '{path}' is not a Seer checkpoint", path);
            RunState state = JsonSerializer.Deserialize<RunState>(reader.ReadString(), JsonOptions)
                ?? throw new SeerException(ErrorCodes.InvalidInput, $"checkpoint '{path}' has no run state", path);
            model.load(reader);
            optimizer.Load(reader);
            return state;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or JsonException or ArgumentException or InvalidOperationException or InvalidDataException)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"checkpoint '{path}' cannot be read: {ex.Message}", path, ex);
        }
    }

    /// <summary>Writes a module's weights atomically.</summary>
    public static void SaveWeights(string path, nn.Module model)
    {
        string temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            model.save(writer);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public static void LoadWeights(string path, nn.Module model)
    {
        if (!File.Exists(path)) throw new SeerException(ErrorCodes.NotFound, $"weights file '{path}' does not exist", path);
        try
        {
            model.load(path);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException or EndOfStreamException)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"weights file '{path}' does not fit the model: {ex.Message}", path, ex);
        }
    }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
