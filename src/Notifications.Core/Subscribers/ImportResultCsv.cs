using System.Globalization;
using CsvHelper;

namespace Notifications.Subscribers;

/// <summary>
/// What an import did to each row, as CSV for the admin to keep: <c>row, email, outcome, changes, kept_self_chosen, errors</c>
/// (changes as "field: old → new", several separated by " | "). UTF-8 with a byte order mark, formula cells neutralised.
/// </summary>
public static class ImportResultCsv
{
    public static readonly IReadOnlyList<string> Columns = ["row", "email", "outcome", "changes", "kept_self_chosen", "errors"];

    public static async Task<byte[]> WriteAsync(ImportReport report, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await using (var writer = CsvWriter.Create(buffer, CsvWriterOptions.Default with { WriteByteOrderMark = true }, leaveOpen: true))
        {
            writer.WriteHeader([.. Columns]);
            foreach (var e in report.Errors.Where(e => e.Row <= 1))
                await writer.WriteRecordAsync(Cells(e.Row.ToString(CultureInfo.InvariantCulture), "", "refused", "", "", $"{e.Field}: {e.Message}"), ct);
            foreach (var r in report.PreviewRows)
                await writer.WriteRecordAsync(Cells(
                    r.Row.ToString(CultureInfo.InvariantCulture),
                    r.Email,
                    r.Outcome.ToString().ToLowerInvariant(),
                    string.Join(" | ", r.Changes.Select(c => $"{c.Field}: {c.Old} → {c.New}")),
                    string.Join(" | ", r.KeptSelfChosen.Select(c => $"{c.Field}: {c.Old} kept (file: {c.New})")),
                    string.Join(" | ", r.Errors.Select(e => $"{e.Field}: {e.Message}"))), ct);
            await writer.FlushAsync(ct);
        }
        return buffer.ToArray();
    }

    private static string[] Cells(params string[] cells) => cells.Select(SubscriberCsv.Neutralise).ToArray();
}
