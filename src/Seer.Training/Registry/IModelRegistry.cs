namespace Seer.Training.Registry;

/// <summary>Stores models (record + weights + checkpoints). Files under &lt;home&gt;/models now; a database later.</summary>
public interface IModelRegistry
{
    /// <summary>Reserves a new model id and its folder.</summary>
    string Create();

    /// <summary>Writes a model's record atomically.</summary>
    void Save(ModelRecord record);

    /// <summary>The record of a model by id or unique id prefix; throws not_found.</summary>
    ModelRecord Get(string idOrPrefix);

    /// <summary>All models, newest first.</summary>
    IReadOnlyList<ModelRecord> List();

    /// <summary>The folder of a model (weights, checkpoints/, runs).</summary>
    string Folder(string id);

    /// <summary>Full path of a model's weights file.</summary>
    string WeightsPath(ModelRecord record);

    /// <summary>Deletes a model (record, weights, checkpoints); refuses one whose training is running (conflict).</summary>
    void Delete(string idOrPrefix);
}
