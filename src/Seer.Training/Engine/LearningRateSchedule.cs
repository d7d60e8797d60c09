namespace Seer.Training.Engine;

/// <summary>Linear warm-up from 0 to the peak, then cosine decay to peak * finalFraction, as a function of the step.</summary>
public static class LearningRateSchedule
{
    public static double At(long step, long warmupSteps, long totalSteps, double peak, double finalFraction)
    {
        if (warmupSteps > 0 && step < warmupSteps) return peak * (step + 1) / warmupSteps;
        long span = Math.Max(1, totalSteps - warmupSteps);
        double progress = Math.Clamp((double)(step - warmupSteps) / span, 0, 1);
        double floor = peak * finalFraction;
        return floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
