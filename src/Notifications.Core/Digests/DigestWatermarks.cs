using Azure;
using Azure.Data.Tables;
using Notifications.Storage;

namespace Notifications.Digests;

/// <summary>
/// How far a subscriber's digests have covered the articles: the window of their next digest starts at <see cref="Through"/>.
/// <see cref="RunId"/> is the run that moved it last, and <see cref="PreviousThrough"/> where it stood before: a run that is planned
/// again (its planner stopped half-way) starts from there, so it covers the same window and not an empty one.
/// </summary>
public sealed record DigestWatermark(string SubscriberId, DateTimeOffset Through, DateTimeOffset? PreviousThrough, string RunId, ETag ETag)
{
    /// <summary>Where the window of <paramref name="runId"/> starts for this subscriber (null: from their first-digest look-back).</summary>
    public DateTimeOffset? StartFor(string runId) => RunId == runId ? PreviousThrough : Through;
}

/// <summary>
/// The digest watermarks table: one row per subscriber (partition <c>subscriber</c>), kept apart from the subscriber record so
/// that admin edits and CSV imports never move it. Moving it is ETag-guarded: of two runs that would cover the same articles for
/// one subscriber, only the first to move the watermark plans them a digest, so nobody gets an article twice, whatever their
/// changes of frequency, time zone or delivery hour.
/// </summary>
public sealed class DigestWatermarks(StorageResources storage)
{
    private const string Partition = "subscriber";

    /// <summary>Every subscriber's watermark, by subscriber id.</summary>
    public async Task<IReadOnlyDictionary<string, DigestWatermark>> ReadAllAsync(CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var all = new Dictionary<string, DigestWatermark>(StringComparer.Ordinal);
        await foreach (var e in storage.DigestWatermarks.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct))
            all[e.RowKey] = new DigestWatermark(e.RowKey, e.GetDateTimeOffset("Through") ?? default, e.GetDateTimeOffset("PreviousThrough"),
                e.GetString("RunId") ?? "", e.ETag);
        return all;
    }

    /// <summary>
    /// Moves each subscriber's watermark to its new end for <paramref name="runId"/>, if it is still as read (<see cref="Move.Read"/>;
    /// null: there was none). 100 rows per transaction; when one of them was moved meanwhile, that chunk is moved row by row.
    /// </summary>
    /// <returns>The subscribers whose watermark this call moved: only they may be planned a digest by this run.</returns>
    public async Task<IReadOnlySet<string>> MoveAsync(string runId, IReadOnlyList<Move> moves, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var moved = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in moves.Chunk(100))
        {
            var actions = chunk.Select(m => Action(runId, m)).ToList();
            try
            {
                await storage.DigestWatermarks.SubmitTransactionAsync(actions, ct);
                moved.UnionWith(chunk.Select(m => m.SubscriberId));
            }
            catch (TableTransactionFailedException)
            {
                foreach (var (move, action) in chunk.Zip(actions))
                {
                    try
                    {
                        await (action.ActionType == TableTransactionActionType.Add
                            ? storage.DigestWatermarks.AddEntityAsync(action.Entity, ct)
                            : storage.DigestWatermarks.UpdateEntityAsync(action.Entity, action.ETag, TableUpdateMode.Replace, ct));
                        moved.Add(move.SubscriberId);
                    }
                    catch (RequestFailedException e) when (e.Status is 409 or 412)
                    {
                        // Another run moved it first: that run covers these articles for this subscriber.
                    }
                }
            }
        }
        return moved;
    }


    private static TableTransactionAction Action(string runId, Move m)
    {
        var entity = new TableEntity(Partition, m.SubscriberId)
        {
            ["Through"] = m.Through,
            ["PreviousThrough"] = m.Start,
            ["RunId"] = runId,
        };
        return m.Read is { } read
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, read.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, entity);
    }

    /// <summary>One subscriber's watermark to move: from <paramref name="Start"/> (their window's start) to <paramref name="Through"/>.</summary>
    public sealed record Move(string SubscriberId, DigestWatermark? Read, DateTimeOffset? Start, DateTimeOffset Through);
}
