using System.Globalization;
using CsvHelper;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// The segment export: every subscriber the search index finds for a query (all pages, in the query's order), read from the
/// subscribers table by id (point reads of the matches only, never a scan) and written as <c>notify subscribers export</c> writes
/// them: <see cref="SubscriberCsv.ExportColumns"/>, UTF-8 with a byte order mark, formula cells neutralised
/// (<see cref="SubscriberCsv.Neutralise"/>), so the file imports again.
/// </summary>
internal static class SegmentExport
{
    private const int Page = 1000;

    public static async Task<byte[]> WriteAsync(SubscriberSearchIndex index, SubscriberStore store, SubscriberQuery query, CancellationToken ct)
    {
        var ids = new List<string>();
        for (var skip = 0; ; skip += Page)
        {
            var page = await index.SearchAsync(query with { Skip = skip, Take = Page }, ct);
            ids.AddRange(page.Items.Select(c => c.Id));
            if (page.Items.Count < Page || ids.Count >= page.Total) break;
        }
        var records = await store.GetManyAsync(ids, ct);
        var buffer = new MemoryStream();
        await using (var writer = CsvWriter.Create(buffer, CsvWriterOptions.Default with { WriteByteOrderMark = true }, leaveOpen: true))
        {
            writer.WriteHeader([.. SubscriberCsv.ExportColumns]);
            foreach (var id in ids)
            {
                if (!records.TryGetValue(id, out var s)) continue; // erased since the index answered
                string[] cells =
                [
                    s.Email, s.Name, s.Organization, s.Country, s.Language, Lower(s.Frequency), string.Join(';', s.TopicList), s.TimeZone,
                    Lower(s.Status), s.Id, Timestamp(s.CreatedAt), Timestamp(s.UpdatedAt), s.Consent?.Source ?? "",
                    s.Consent?.ConfirmedAt is { } confirmed ? Timestamp(confirmed) : "",
                    s.DeliveryHour is { } hour ? hour.ToString(CultureInfo.InvariantCulture) : "",
                ];
                for (var i = 0; i < cells.Length; i++)
                    cells[i] = SubscriberCsv.Neutralise(cells[i]);
                await writer.WriteRecordAsync(cells, ct);
            }
            await writer.FlushAsync(ct);
        }
        return buffer.ToArray();
    }

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
