namespace Seer.Data.Operations;

/// <summary>Which images a filter keeps by their labelled state.</summary>
public enum LabelledState
{
    Any = 0,
    Labelled = 1,
    Unlabelled = 2,
}
