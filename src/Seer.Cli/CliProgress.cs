using Seer.Core.Progress;
using Spectre.Console;

namespace Seer.Cli;

/// <summary>
/// Draws long work as a Spectre.Console progress bar on stderr (stdout stays clean for results). Off with --json or
/// when stderr is not a terminal; the work then runs with no progress reporter.
/// </summary>
public static class CliProgress
{
    public static async Task<T> RunAsync<T>(bool enabled, string description, Func<IProgress<WorkProgress>?, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!enabled || Console.IsErrorRedirected) return await work(null).ConfigureAwait(false);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(description);
                task.IsIndeterminate = true;
                var progress = new Reporter(w =>
                {
                    if (w.Total is long total && total > 0)
                    {
                        task.IsIndeterminate = false;
                        task.MaxValue = total;
                    }
                    task.Value = w.Done;
                    if (w.Message is not null) task.Description = $"{description} ({w.Message})";
                });
                result = await work(progress).ConfigureAwait(false);
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
                task.StopTask();
            }).ConfigureAwait(false);
        return result;
    }

    /// <summary>Reports synchronously on the caller's thread (Progress&lt;T&gt; would post late callbacks).</summary>
    private sealed class Reporter(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        private readonly Lock _gate = new();

        public void Report(WorkProgress value)
        {
            lock (_gate) report(value);
        }
    }
}
