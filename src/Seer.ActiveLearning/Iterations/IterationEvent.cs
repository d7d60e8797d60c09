namespace Seer.ActiveLearning.Iterations;

/// <summary>What the loop is doing: a step of a round started, finished, was already done (skipped) or waits.</summary>
public sealed record IterationEvent(int Round, string Step, string Phase, string? Message = null)
{
    public override string ToString() =>
        $"round {Round} {Step} {Phase}{(Message is null ? "" : ": " + Message)}";
}
