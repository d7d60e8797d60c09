namespace Seer.Hosting.Training;

/// <summary>The embedded default: a model's files stay in HOME/models; there is nothing to publish or fetch.</summary>
public sealed class LocalModelFiles : IModelFiles
{
    public bool Shared => false;

    public void Publish(string modelId, string folder)
    {
    }

    public void Unpublish(string modelId)
    {
    }

    public bool Fetch(string modelId, string folder, Func<string, bool>? include = null) => false;

    public IReadOnlyList<PublishedModel> Published() => [];
}
