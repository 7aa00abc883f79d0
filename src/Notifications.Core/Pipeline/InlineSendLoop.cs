namespace Notifications.Pipeline;

/// <summary>
/// How a run sent inline goes through its batches (<see cref="DigestRunner"/>): up to <c>Delivery:InlineSendConcurrency</c> sent at
/// once, as the SendBatch function scales out in Azure, while their outcomes are recorded one at a time, in the order they finish,
/// so the run's record (failures in a row, pause, completion) is updated by one writer holding the latest version. Once a record
/// says stop (the run paused or was cancelled) no further batch starts; those already sending finish and are recorded.
/// </summary>
internal static class InlineSendLoop
{
    /// <param name="send">Sends one item; up to <paramref name="concurrency"/> run at once.</param>
    /// <param name="record">Records one item's outcome (its index and result); never runs alongside itself; false: start no other item.</param>
    public static async Task RunAsync<TItem, TResult>(
        IReadOnlyList<TItem> items,
        int concurrency,
        Func<TItem, CancellationToken, Task<TResult>> send,
        Func<int, TResult, Task<bool>> record,
        CancellationToken ct)
    {
        var state = new LoopState();
        using var recording = new SemaphoreSlim(1, 1);

        async Task WorkAsync()
        {
            while (!state.Stopped)
            {
                var index = state.Take();
                if (index >= items.Count) return;
                TResult result;
                try
                {
                    result = await send(items[index], ct);
                }
                catch
                {
                    state.Stop();
                    throw;
                }
                await recording.WaitAsync(CancellationToken.None);
                try
                {
                    if (!await record(index, result)) state.Stop();
                }
                catch
                {
                    state.Stop();
                    throw;
                }
                finally
                {
                    recording.Release();
                }
            }
        }

        var workers = Enumerable.Range(0, Math.Clamp(concurrency, 1, Math.Max(1, items.Count))).Select(_ => WorkAsync()).ToList();
        await Task.WhenAll(workers);
    }

    private sealed class LoopState
    {
        private int next = -1;
        private volatile bool stopped;

        public bool Stopped => stopped;

        public int Take() => Interlocked.Increment(ref next);

        public void Stop() => stopped = true;
    }
}
