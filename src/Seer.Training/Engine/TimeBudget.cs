namespace Seer.Training.Engine;

/// <summary>
/// Fits a run into a wall-time budget (<c>--time MINUTES</c>, TrainingOptions.TimeMinutes), as Ultralytics' <c>time=</c>
/// does: the first epoch runs on a provisional plan; after every epoch the number of epochs is re-planned from the mean
/// epoch time so far (training + validation) and the time left, so warm-up and the cosine decay end inside the budget.
/// TrainingOptions.Epochs is the upper bound (and wins outright when the user gives it: the CLI then sets no budget).
/// Within an epoch the trainer stops early when the budget is spent (then validates once more and ends).
/// </summary>
public sealed class TimeBudget
{
    private readonly double budgetSeconds;
    private readonly int maxEpochs;

    public TimeBudget(double minutes, int maxEpochs)
    {
        budgetSeconds = minutes * 60;
        this.maxEpochs = maxEpochs;
    }

    /// <summary>Seconds of the budget (0 = no budget).</summary>
    public double Seconds => budgetSeconds;

    public bool Active => budgetSeconds > 0;

    /// <summary>
    /// The epoch count to plan for after <paramref name="epochsDone"/> epochs took <paramref name="epochSeconds"/>
    /// in total (<paramref name="elapsed"/> seconds since the run started, set-up included).
    /// </summary>
    public int Plan(int epochsDone, double epochSeconds, double elapsed)
    {
        if (!Active || epochsDone == 0) return maxEpochs;
        double perEpoch = epochSeconds / epochsDone;
        double left = budgetSeconds - elapsed;
        int more = (int)Math.Floor(left / Math.Max(perEpoch, 1e-3));
        return Math.Clamp(epochsDone + Math.Max(0, more), epochsDone, maxEpochs);
    }

    /// <summary>True when the budget is spent (a step in progress then ends its epoch).</summary>
    public bool Spent(double elapsed) => Active && elapsed >= budgetSeconds;
}
