using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Seer.Core.Errors;

namespace Seer.Training.Registry;

/// <summary>
/// The file-based model registry: <c>&lt;home&gt;/models/&lt;id&gt;/model.json</c> (written temp + rename),
/// <c>weights.bin</c> and <c>checkpoints/</c>. Ids are <c>m-</c> + a UTC timestamp + 4 random hex digits.
/// </summary>
public sealed class FileModelRegistry : IModelRegistry
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly string root;

    public FileModelRegistry(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        root = Path.Combine(home, "models");
    }

    public string Create()
    {
        Directory.CreateDirectory(root);
        while (true)
        {
            string id = $"m-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
            string folder = Path.Combine(root, id);
            if (Directory.Exists(folder)) continue;
            Directory.CreateDirectory(folder);
            return id;
        }
    }

    public void Save(ModelRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string folder = Folder(record.Id);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "model.json");
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(record, Json));
        File.Move(temp, path, overwrite: true);
    }

    public ModelRecord Get(string idOrPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrPrefix);
        if (idOrPrefix.Contains('/') || idOrPrefix.Contains('\\') || idOrPrefix.Contains(".."))
            throw new SeerException(ErrorCodes.InvalidInput, $"'{idOrPrefix}' is not a model id");
        string exact = Path.Combine(root, idOrPrefix, "model.json");
        if (File.Exists(exact)) return Read(exact);
        var matches = Directory.Exists(root)
            ? Directory.GetDirectories(root, idOrPrefix + "*").Where(d => File.Exists(Path.Combine(d, "model.json"))).ToArray()
            : [];
        return matches.Length switch
        {
            1 => Read(Path.Combine(matches[0], "model.json")),
            0 => throw new SeerException(ErrorCodes.NotFound, $"model '{idOrPrefix}' not found under {root}; see `seer model list`"),
            _ => throw new SeerException(ErrorCodes.InvalidInput,
                $"model prefix '{idOrPrefix}' matches {matches.Length} models ({string.Join(", ", matches.Select(Path.GetFileName))}); give more of the id"),
        };
    }

    public IReadOnlyList<ModelRecord> List()
    {
        if (!Directory.Exists(root)) return [];
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "model.json"))
            .Where(File.Exists)
            .Select(Read)
            .OrderByDescending(r => r.CreatedAt)
            .ToList();
    }

    public string Folder(string id) => Path.Combine(root, id);

    public void Delete(string idOrPrefix)
    {
        var record = Get(idOrPrefix);
        string folder = Folder(record.Id);
        // Taking the training lock both proves no process trains it and keeps one from starting while the folder goes.
        using (TrainingLock.Acquire(folder, record.Id))
        {
            File.Delete(Path.Combine(folder, "model.json"));
        }
        Directory.Delete(folder, recursive: true);
    }

    public string WeightsPath(ModelRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Path.Combine(Folder(record.Id), record.WeightsFile);
    }

    private static ModelRecord Read(string path)
    {
        try
        {
            var record = JsonSerializer.Deserialize<ModelRecord>(File.ReadAllText(path), Json)
                ?? throw new SeerException(ErrorCodes.InvalidInput, $"model record '{path}' is empty", path);
            // "training" whose process is gone (killed, crashed, machine restarted) reads as "interrupted".
            return TrainingLock.Live(record, Path.GetDirectoryName(path)!);
        }
        catch (JsonException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"model record '{path}' is not valid: {ex.Message}", path, ex);
        }
    }
}
