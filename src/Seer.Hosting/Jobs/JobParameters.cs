using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Seer.Core.Errors;
using Seer.Training.Options;

namespace Seer.Hosting.Jobs;

/// <summary>
/// Reads a job's parameters (a JSON object, snake_case keys) into the kind's typed record. Unknown keys, missing
/// required keys and values of the wrong type are invalid_input errors (HTTP 400) naming the kind and the key, e.g.
/// <c>mining job: unknown parameter 'top_k'; known: pool, model, topk, ...</c>. Kinds that train (training, iteration)
/// also accept every <see cref="TrainingOptions"/> setting, read by <see cref="TrainingOptionsLoader"/>.
/// </summary>
public static class JobParameters
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        RespectNullableAnnotations = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>Training settings a job may not set: they come from the job's granted resources.</summary>
    private static readonly Dictionary<string, string> FromResources = new(StringComparer.Ordinal)
    {
        ["threads"] = "a job's threads are its cpu_threads (set beside kind and parameters)",
        ["device"] = "a job's device is its GPU slot (set gpus beside kind and parameters; slot N trains on cuda:N)",
    };

    /// <summary>Parses <paramref name="parameters"/> into <typeparamref name="T"/>, refusing keys T does not have.</summary>
    public static T Parse<T>(JsonElement parameters, string kind) where T : class => Parse<T>(parameters, kind, withTraining: false).Value;

    /// <summary>
    /// Parses the keys of <typeparamref name="T"/> and returns the remaining keys that are training settings (applied
    /// by the caller with <see cref="TrainingOptionsLoader.Apply(TrainingOptions, JsonObject, SettingsSource)"/>).
    /// </summary>
    public static (T Value, JsonObject Training) ParseWithTraining<T>(JsonElement parameters, string kind) where T : class =>
        Parse<T>(parameters, kind, withTraining: true);

    /// <summary>The keys of <typeparamref name="T"/> (as jobs spell them), for errors and docs.</summary>
    public static IReadOnlyList<string> Keys<T>() => Json.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name).ToList();

    private static (T Value, JsonObject Training) Parse<T>(JsonElement parameters, string kind, bool withTraining) where T : class
    {
        if (parameters.ValueKind != JsonValueKind.Object)
            throw new SeerException(ErrorCodes.InvalidInput, $"{kind} job: parameters must be a JSON object, not {parameters.ValueKind}");
        var info = Json.GetTypeInfo(typeof(T));
        var own = info.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var trainingKeys = withTraining
            ? TrainingOptionsLoader.Keys(SettingsSource.Job(kind)).Where(k => !own.ContainsKey(k)).ToHashSet(StringComparer.Ordinal)
            : [];
        var mine = new JsonObject();
        var training = new JsonObject();
        foreach (var property in parameters.EnumerateObject())
        {
            if (own.ContainsKey(property.Name)) mine[property.Name] = JsonNode.Parse(property.Value.GetRawText());
            else if (withTraining && FromResources.TryGetValue(property.Name, out var why))
                throw new SeerException(ErrorCodes.InvalidInput, $"{kind} job: parameter '{property.Name}' cannot be set: {why}", property.Name);
            else if (trainingKeys.Contains(property.Name)) training[property.Name] = JsonNode.Parse(property.Value.GetRawText());
            else
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{kind} job: unknown parameter '{property.Name}'; known: {string.Join(", ", own.Keys.Concat(trainingKeys.Where(k => !FromResources.ContainsKey(k))))}",
                    property.Name);
        }
        foreach (var (name, property) in own)
            if (property.IsRequired && (mine[name] is null))
                throw new SeerException(ErrorCodes.InvalidInput, $"{kind} job: parameter '{name}' is required ({Describe(property.PropertyType)})", name);
        try
        {
            return (mine.Deserialize<T>(Json)!, training);
        }
        catch (JsonException ex)
        {
            string name = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "";
            if (own.TryGetValue(name, out var property))
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{kind} job: parameter '{name}' must be {Describe(property.PropertyType)}, not {mine[name]?.ToJsonString() ?? "null"}", name, ex);
            throw new SeerException(ErrorCodes.InvalidInput, $"{kind} job: parameters do not match the kind's parameters: {ex.Message}", name, ex);
        }
    }

    /// <summary>An integer parameter outside its range: an invalid_input error naming the key.</summary>
    public static void Range(string kind, string name, double? value, double min, double max)
    {
        if (value is not { } v || (v >= min && v <= max)) return;
        throw new SeerException(ErrorCodes.InvalidInput,
            $"{kind} job: parameter '{name}' must be in {Show(min)}..{Show(max)} (was {Show(v)})", name);
    }

    /// <summary>Runs a library parser (strategy, aggregation, dataset reference, format) and names the job key in its error.</summary>
    public static TOut Named<TOut>(string kind, string name, Func<TOut> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            return parse();
        }
        catch (SeerException ex) when (ex.Code is ErrorCodes.InvalidInput or ErrorCodes.InvalidOptions)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"{kind} job: parameter '{name}': {ex.Message}", name, ex);
        }
    }

    private static string Show(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) ? "a string"
            : type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(double) || type == typeof(float) ? "a number"
            : type == typeof(bool) ? "true or false"
            : type.Name;
    }
}
