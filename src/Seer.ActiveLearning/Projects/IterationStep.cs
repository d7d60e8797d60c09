namespace Seer.ActiveLearning.Projects;

/// <summary>The steps of one iteration, in order. Round 0 (the initial model) runs only prepare, train and evaluate.</summary>
public static class IterationStep
{
    public const string Prepare = "prepare";
    public const string Mine = "mine";
    public const string Label = "label";
    public const string Merge = "merge";
    public const string Train = "train";
    public const string Evaluate = "evaluate";

    public static IReadOnlyList<string> For(int round) =>
        round == 0 ? [Prepare, Train, Evaluate] : [Prepare, Mine, Label, Merge, Train, Evaluate];
}
