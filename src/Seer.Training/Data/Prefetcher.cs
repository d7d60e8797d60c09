using System.Threading.Channels;

namespace Seer.Training.Data;

/// <summary>
/// Builds items (decoded, augmented batches) on worker threads ahead of the consumer, in order, with at most
/// <c>depth</c> items in flight (bounded channel of pending tasks). The consumer never waits on I/O while enough
/// work is queued; the producer never runs more than <c>depth</c> ahead, so memory stays bounded. Depth 0 builds
/// each item on the consumer's thread when it is asked for (no second thread: a single-thread run).
/// </summary>
public static class Prefetcher
{
    public static IEnumerable<T> Run<T>(int count, Func<int, T> build, int depth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        return depth <= 0 ? Inline(count, build, cancellationToken) : Ahead(count, build, depth, cancellationToken);
    }

    private static IEnumerable<T> Inline<T>(int count, Func<int, T> build, CancellationToken cancellationToken)
    {
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return build(i);
        }
    }

    private static IEnumerable<T> Ahead<T>(int count, Func<int, T> build, int depth, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<Task<T>>(new BoundedChannelOptions(depth)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task producer = Task.Run(async () =>
        {
            try
            {
                for (int i = 0; i < count && !stop.Token.IsCancellationRequested; i++)
                {
                    int index = i;
                    await channel.Writer.WriteAsync(Task.Run(() => build(index), stop.Token), stop.Token).ConfigureAwait(false);
                }
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                channel.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);

        try
        {
            while (channel.Reader.WaitToReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
            {
                if (!channel.Reader.TryRead(out Task<T>? pending)) continue;
                yield return pending.GetAwaiter().GetResult();
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            stop.Cancel();
            while (channel.Reader.TryRead(out Task<T>? left))
                left.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            try { producer.GetAwaiter().GetResult(); } catch (OperationCanceledException) { }
        }
    }
}
