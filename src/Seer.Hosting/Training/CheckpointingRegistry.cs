using Seer.Training.Registry;

namespace Seer.Hosting.Training;

/// <summary>
/// The file registry, telling the training job the id of the model it reserves so the job records it as its
/// checkpoint before the first epoch starts (a restart then resumes that model's run folders).
/// </summary>
internal sealed class CheckpointingRegistry(IModelRegistry inner, Action<string> created) : IModelRegistry
{
    public string Create()
    {
        string id = inner.Create();
        created(id);
        return id;
    }

    public void Save(ModelRecord record) => inner.Save(record);

    public ModelRecord Get(string idOrPrefix) => inner.Get(idOrPrefix);

    public IReadOnlyList<ModelRecord> List() => inner.List();

    public string Folder(string id) => inner.Folder(id);

    public string WeightsPath(ModelRecord record) => inner.WeightsPath(record);

    public void Delete(string idOrPrefix) => inner.Delete(idOrPrefix);
}
