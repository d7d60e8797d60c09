namespace Seer.Data.Labels;

/// <summary>What an import does with labels the workspace's label space does not know (after --map).</summary>
public enum UnknownLabelPolicy
{
    /// <summary>Add them to the label space and list them in the import's output (the default).</summary>
    Add = 0,

    /// <summary>Fail the import, naming the unknown labels; nothing is written.</summary>
    Refuse = 1,
}
