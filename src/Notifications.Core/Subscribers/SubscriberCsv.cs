using System.Globalization;
using System.Text.Unicode;
using CsvHelper;
using Notifications.Mail;

namespace Notifications.Subscribers;

/// <summary>What an import did (or, for a dry run, would do).</summary>
/// <param name="Rows">Data rows in the file (the header is not one, nor are rows whose cells are all empty).</param>
/// <param name="Created">New addresses, written (or to be written) as new subscribers.</param>
/// <param name="Updated">Known addresses whose record changed.</param>
/// <param name="Unchanged">Known addresses whose record the row leaves as it is.</param>
/// <param name="Errors">Every problem found; a row with one is skipped. A problem with the file itself (header, size, encoding) means
/// nothing was imported.</param>
/// <param name="DryRun">True when nothing was written.</param>
/// <param name="Preview">Every data row: what the import does (or would do) with it, field by field (<see cref="ImportPreviewRow"/>).</param>
/// <param name="OverwriteSelfChosen">Whether the import could overwrite preferences subscribers chose themselves.</param>
public sealed record ImportReport(int Rows, int Created, int Updated, int Unchanged, IReadOnlyList<ImportError> Errors, bool DryRun,
    IReadOnlyList<ImportPreviewRow>? Preview = null, bool OverwriteSelfChosen = false)
{
    /// <summary>The rows, never null.</summary>
    public IReadOnlyList<ImportPreviewRow> PreviewRows => Preview ?? [];

    /// <summary>Rows skipped because of an error.</summary>
    public int Skipped => Errors.Where(e => e.Row > 1).Select(e => e.Row).Distinct().Count();
}

/// <summary>One problem with an import file.</summary>
/// <param name="Row">
/// The line of the file where the row starts, as a spreadsheet numbers its rows: the header is row 1, the first data row is row 2
/// (a cell holding a line break makes later rows start further down). Problems with the whole file (its header, size or encoding)
/// have row 1, or 0 when the file has no header line at all.
/// </param>
/// <param name="Email">The row's address, masked as in logs (<see cref="EmailAddress.Mask"/>); null when the row has none.</param>
/// <param name="Field">The column (email, name, ..., status), or "file" for a problem with the whole file.</param>
/// <param name="Message">What is wrong and what to do.</param>
public sealed record ImportError(int Row, string? Email, string Field, string Message);

/// <summary>
/// Subscribers to and from CSV (UTF-8, comma separated, a header row), for admins who keep the list in a spreadsheet.
/// <para>
/// Import columns: <c>email</c> (required), <c>name</c>, <c>organization</c>, <c>country</c>, <c>language</c>, <c>frequency</c>,
/// <c>topics</c> (separated by ';'), <c>time_zone</c>, <c>status</c>, <c>delivery_hour</c> (the subscriber's own local hour for
/// digests, 0 to 23; empty for the default, <c>Schedule:DeliveryHour</c>), in any order; names match ignoring case, surrounding
/// spaces, and spaces or hyphens for underscores. The columns that only an export has (<c>id</c>, <c>created_at</c>, <c>updated_at</c>,
/// <c>consent_source</c>, <c>confirmed_at</c>) are accepted and ignored, so an exported file imports as it is; any other column is
/// an error (a misspelt column would otherwise be ignored silently).
/// </para>
/// <para>
/// An address not known yet creates a subscriber (consent source "import"; name and organization required; defaults as for an
/// admin: en, daily, active, all topics, UTC, the default delivery hour). A known address updates only the columns that are present
/// and not empty: an empty cell keeps the value (topics and a delivery hour cannot be cleared by import: use the API or the CLI), and
/// CreatedAt and the consent stay. A preference the subscriber chose themselves (<see cref="Subscriber.ChosenBySubscriber"/>: frequency,
/// topics, language, time zone, delivery hour) keeps the subscriber's value unless the import is told to overwrite self-chosen
/// preferences; the preview row says which were kept (<see cref="ImportPreviewRow.KeptSelfChosen"/>). A subscriber who is not linked to a
/// member administration is linked when their organization is one's name or alias (<see cref="MemberDirectory"/>).
/// The status of a subscriber who unsubscribed or complained is theirs: an import that would change
/// it is an error on that row.
/// </para>
/// <para>
/// Writes: one listing of the existing subscribers, then table transactions of 100 rows. The audit gets ONE entry per import
/// (not one per subscriber, which is too slow for 10,000 rows), under the subscriber id <see cref="AuditId"/> ("import"), action
/// "imported", with the counts; a subscriber's own history therefore does not show imports.
/// </para>
/// <para>
/// An address that was erased (a <see cref="Suppression"/>: they unsubscribed, complained, bounced or asked to be erased) is refused:
/// its row is reported (field "suppression") and skipped, unless the import is given an override reason; then it is added, and each
/// such subscriber's history gets a "suppression overridden" entry with the actor and the reason.
/// </para>
/// </summary>
public sealed class SubscriberCsv(SubscriberStore store, SubscriberRules rules, SubscriberAudit audit, Suppressions suppressions, MemberDirectory members,
    TimeProvider time)
{
    public const int MaxRows = 10_000;
    public const int MaxFileBytes = 32 * 1024 * 1024;

    /// <summary>The audit partition of import entries.</summary>
    public const string AuditId = "import";

    public static readonly IReadOnlyList<string> ImportColumns =
        ["email", "name", "organization", "country", "language", "frequency", "topics", "time_zone", "status", "delivery_hour"];
    public static readonly IReadOnlyList<string> ExportOnlyColumns = ["id", "created_at", "updated_at", "consent_source", "confirmed_at"];

    /// <summary>
    /// The export's columns: the import columns as they were first, then <see cref="ExportOnlyColumns"/>, then <c>delivery_hour</c>,
    /// which came later and goes last so that no column an existing spreadsheet or script reads by position moves.
    /// </summary>
    public static readonly IReadOnlyList<string> ExportColumns = [.. ImportColumns.Where(c => c != "delivery_hour"), .. ExportOnlyColumns, "delivery_hour"];

    /// <summary>What a spreadsheet runs as a formula when a cell starts with it (OWASP: CSV injection).</summary>
    private const string FormulaStarts = "=+-@\t\r";

    private const int WritersAtOnce = 4;

    private static readonly Dictionary<string, int> ColumnIndex = ImportColumns.Select((c, i) => (c, i))
        .ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["e_mail"] = "email",
        ["timezone"] = "time_zone",
        ["deliveryhour"] = "delivery_hour",
    };

    /// <param name="overrideSuppression">Why erased (suppressed) addresses in the file may be added again; null refuses their rows.</param>
    /// <param name="overwriteSelfChosen">Whether the file's values replace preferences subscribers chose themselves (off: theirs are kept).</param>
    public async Task<ImportReport> ImportAsync(Stream csv, bool dryRun, string actor, CancellationToken ct = default, string? overrideSuppression = null,
        bool overwriteSelfChosen = false)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var overrideReason = overrideSuppression is null ? null : Suppressions.CheckOverrideReason(overrideSuppression, "overrideSuppression");

        var bytes = await ReadAllAsync(csv, ct);
        if (bytes is null)
            return Refused(0, 1, string.Create(CultureInfo.InvariantCulture,
                $"the file is larger than {MaxFileBytes / 1024 / 1024} MiB; an import takes at most {MaxRows:N0} rows."), dryRun);
        if (!IsUtf16(bytes) && !Utf8.IsValid(bytes))
            return Refused(0, 1, "the file is not UTF-8 text: save it as \"CSV UTF-8 (comma delimited)\" and import it again.", dryRun);

        var options = CsvReaderOptions.Default with { Separator = SeparatorOf(bytes), TrackLineNumbers = true };
        using var reader = CsvReader.Create(bytes, options);
        reader.ReadHeader();

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var headerErrors = new List<ImportError>();
        var headers = reader.Headers;
        if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
            return Refused(0, 0, $"the file is empty: its first line must name the columns, e.g. {string.Join(",", ImportColumns)}.", dryRun);
        for (var i = 0; i < headers.Count; i++)
        {
            var column = ColumnOf(headers[i]);
            if (column.Length == 0 && i == headers.Count - 1) continue; // a trailing separator
            if (ImportColumns.Contains(column))
            {
                if (!columns.TryAdd(column, i))
                    headerErrors.Add(new ImportError(1, null, column, $"the column '{column}' appears twice in the header; keep one."));
            }
            else if (!ExportOnlyColumns.Contains(column))
                headerErrors.Add(new ImportError(1, null, column.Length == 0 ? "file" : column,
                    $"the header has an unknown column '{headers[i].Trim()}'; the columns are {string.Join(", ", ImportColumns)} (and, from an " +
                        $"export, {string.Join(", ", ExportOnlyColumns)})."));
        }
        if (!columns.ContainsKey("email"))
            headerErrors.Insert(0, new ImportError(1, null, "email",
                $"the header has no column 'email': the first line of the file must name the columns, e.g. {string.Join(",", ImportColumns)}."));
        if (headerErrors.Count > 0)
            return new ImportReport(0, 0, 0, 0, headerErrors, dryRun);

        var rows = new List<RawRow>();
        var count = 0;
        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            if (IsBlank(reader)) continue; // a spreadsheet saves rows it once touched as ",,,,"
            if (++count > MaxRows) continue; // only counted, for the message
            var values = new string?[ImportColumns.Count];
            for (var c = 0; c < ImportColumns.Count; c++)
                if (columns.TryGetValue(ImportColumns[c], out var index) && index < reader.FieldCount)
                    values[c] = Unneutralise(reader.GetString(index));
            rows.Add(new RawRow((int)Math.Min(reader.LineNumber, int.MaxValue), values));
        }
        if (count > MaxRows)
            return Refused(count, 1, string.Create(CultureInfo.InvariantCulture,
                $"the file has {count:N0} data rows; an import takes at most {MaxRows:N0}: split it and import the parts one after the other."),
                dryRun);

        // By keyed id, whatever the row's id (a subscriber not yet moved by migrate-ids keeps its old one, and its row is updated).
        var existing = new Dictionary<string, Subscriber>(StringComparer.Ordinal);
        foreach (var s in await store.ListAsync(ct))
            if (store.IdOf(s.Email) is var keyed && (s.Id == keyed || !existing.ContainsKey(keyed)))
                existing[keyed] = s;
        var suppressed = await suppressions.ListAsync(ct);
        var overridden = new List<Suppression>();
        var now = time.GetUtcNow();
        var errors = new List<ImportError>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var toWrite = new List<(Subscriber Subscriber, bool SetsStatus)>();
        var preview = new List<ImportPreviewRow>(rows.Count);
        int created = 0, updated = 0, unchanged = 0;
        foreach (var row in rows)
        {
            var result = Apply(row, existing, seen, now, errors, suppressed, overrideReason, overridden, overwriteSelfChosen);
            preview.Add(result.Preview);
            switch (result.Preview.Outcome)
            {
                case ImportRowOutcome.New: created++; toWrite.Add((result.Subscriber!, true)); break;
                case ImportRowOutcome.Changed: updated++; toWrite.Add((result.Subscriber!, result.SetsStatus)); break;
                case ImportRowOutcome.Unchanged: unchanged++; break;
            }
        }

        var report = new ImportReport(rows.Count, created, updated, unchanged, errors, dryRun, preview, overwriteSelfChosen);
        if (dryRun) return report;

        var written = 0;
        try
        {
            await Parallel.ForEachAsync(toWrite.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = WritersAtOnce, CancellationToken = ct },
                async (chunk, token) =>
                {
                    await store.MergeImportedAsync(chunk, token);
                    Interlocked.Add(ref written, chunk.Length);
                });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            try
            {
                await audit.RecordAsync(AuditId, actor, "import failed", Counts(report, written), CancellationToken.None);
            }
            catch (Exception)
            {
                // Storage is failing: the exception below says what was written, which matters more than this entry.
            }
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"the import stopped after writing {written:N0} of {toWrite.Count:N0} subscribers: {e.Message.Split('\n')[0]} Importing the same " +
                    $"file again is safe: it completes the rest."), e);
        }
        await audit.RecordAsync(AuditId, actor, "imported", Counts(report, written), ct);
        foreach (var lifted in overridden)
        {
            await audit.RecordAsync(lifted.Id, actor, "suppression overridden", SubscriberAdmin.OverrideDetails(lifted, overrideReason!), ct);
            await suppressions.DeleteAsync(lifted.Id, ct);
        }
        return report;
    }

    /// <summary>
    /// Writes the subscribers that match the filter, ordered by address, in the <see cref="ExportColumns"/>.
    /// UTF-8 with a byte order mark (so Excel reads accents and Cyrillic right), comma separated, CRLF. A cell that a spreadsheet
    /// would run as a formula (one starting with = + - @, tab or CR) gets a leading single quote; import removes it again.
    /// </summary>
    /// <returns>How many subscribers were written.</returns>
    public async Task<int> ExportAsync(Stream output, SubscriberFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(filter);
        var all = await store.ListAsync(filter, ct);

        await using var writer = CsvWriter.Create(output, CsvWriterOptions.Default with { WriteByteOrderMark = true }, leaveOpen: true);
        writer.WriteHeader([.. ExportColumns]);
        foreach (var s in all.OrderBy(s => s.Email, StringComparer.Ordinal))
        {
            string[] cells =
            [
                s.Email, s.Name, s.Organization, s.Country, s.Language, Lower(s.Frequency), string.Join(';', s.TopicList), s.TimeZone, Lower(s.Status),
                s.Id, Timestamp(s.CreatedAt), Timestamp(s.UpdatedAt), s.Consent?.Source ?? "",
                s.Consent?.ConfirmedAt is { } confirmed ? Timestamp(confirmed) : "",
                s.DeliveryHour is { } hour ? hour.ToString(CultureInfo.InvariantCulture) : "",
            ];
            for (var i = 0; i < cells.Length; i++)
                cells[i] = Neutralise(cells[i]);
            await writer.WriteRecordAsync(cells, ct);
        }
        await writer.FlushAsync(ct);
        return all.Count;
    }

    /// <summary>A cell a spreadsheet would run as a formula, made text with a leading single quote.</summary>
    public static string Neutralise(string value)
        => value.Length > 0 && FormulaStarts.Contains(value[0]) ? "'" + value : value;

    /// <summary>Undoes <see cref="Neutralise"/>: a leading single quote goes only when a formula character follows it.</summary>
    public static string Unneutralise(string value)
        => value.Length > 1 && value[0] == '\'' && FormulaStarts.Contains(value[1]) ? value[1..] : value;

    private sealed record RawRow(int Line, string?[] Values)
    {
        public string? this[string column]
        {
            get
            {
                var value = Values[ColumnIndex[column]];
                return string.IsNullOrWhiteSpace(value) ? null : value;
            }
        }
    }

    private (ImportPreviewRow Preview, Subscriber? Subscriber, bool SetsStatus) Apply(RawRow row, Dictionary<string, Subscriber> existing,
        Dictionary<string, int> seen, DateTimeOffset now, List<ImportError> errors,
        IReadOnlyDictionary<string, Suppression> suppressed, string? overrideReason, List<Suppression> overridden, bool overwriteSelfChosen)
    {
        var before = errors.Count;
        string? masked = null;
        var shown = row["email"]?.Trim() ?? "";
        (ImportPreviewRow, Subscriber?, bool) Refuse()
            => (new ImportPreviewRow(row.Line, shown, ImportRowOutcome.Refused, [], [], errors.Skip(before).ToList()), null, false);
        void Error(string field, string message) => errors.Add(new ImportError(row.Line, masked, field, message));
        T? Check<T>(string column, Func<string, T> rule)
        {
            if (row[column] is not { } value) return default;
            try
            {
                return rule(value);
            }
            catch (InvalidSubscriberException e)
            {
                Error(e.Field, e.Message);
                return default;
            }
        }

        string? email = null;
        if (row["email"] is not { } raw)
            Error("email", "email is empty: every row needs the subscriber's address.");
        else
        {
            masked = EmailAddress.Mask(raw.Trim());
            try
            {
                email = SubscriberEmail.Normalize(raw);
                masked = EmailAddress.Mask(email);
                shown = email;
            }
            catch (InvalidSubscriberException e)
            {
                Error(e.Field, e.Message);
            }
        }
        string? id = email is null ? null : store.IdOf(email);
        if (id is not null && !seen.TryAdd(id, row.Line))
            Error("email", $"the address is also on row {seen[id]}; give each address once per file.");

        var current = id is null ? null : existing.GetValueOrDefault(id);
        var suppression = current is null && id is not null ? suppressed.GetValueOrDefault(id) : null;
        if (suppression is not null && overrideReason is null)
            Error("suppression", $"refused: this address was erased and is suppressed (the subscriber {suppression.Describe()}). " +
                "Remove the row, or import with an override reason (API: ?overrideSuppression=<reason>; CLI: --override-suppression \"<reason>\"), " +
                    "which is audited.");
        // A new subscriber needs a name and an organization: check them even when the cell is empty.
        var name = current is null && row["name"] is null ? Required("name") : Check("name", rules.Name);
        var organization = current is null && row["organization"] is null ? Required("organization") : Check("organization", rules.Organization);
        var country = Check("country", SubscriberRules.Country);
        var language = Check("language", SubscriberRules.Language);
        var frequency = Check<DigestFrequency?>("frequency", v => SubscriberRules.Frequency(v));
        var topics = Check("topics", v => rules.Topics(v.Split(';')));
        var timeZone = Check("time_zone", SubscriberRules.TimeZone);
        var status = Check<SubscriberStatus?>("status", v => SubscriberRules.Status(v));
        var deliveryHour = Check<int?>("delivery_hour", DeliveryHour);

        if (current is not null && status is { } s && s != current.Status && current.Status is SubscriberStatus.Unsubscribed or SubscriberStatus.Complained)
            Error("status", current.Status == SubscriberStatus.Unsubscribed
                ? $"the subscriber unsubscribed; an import cannot make them {Lower(s)}: they must subscribe again themselves. Leave the cell empty " +
                    $"(or '{Lower(current.Status)}') to import the rest of the row."
                : $"the subscriber marked a digest as spam; an import cannot make them {Lower(s)}. Leave the cell empty (or " +
                    $"'{Lower(current.Status)}') to import the rest of the row.");

        if (errors.Count > before) return Refuse();

        if (current is null)
        {
            try
            {
                var added = store.Create(new NewSubscriber(email!, name!, organization!, language ?? "en", frequency ?? DigestFrequency.Daily,
                    status ?? SubscriberStatus.Active, country, topics, timeZone, deliveryHour), "import");
                added = added with { Member = members.Match(added.Organization)?.EffectiveKey ?? "" };
                existing[added.Id] = added;
                if (suppression is not null) overridden.Add(suppression);
                return (new ImportPreviewRow(row.Line, shown, ImportRowOutcome.New, ImportFieldChanges.Of(null, added), [], []), added, true);
            }
            catch (InvalidSubscriberException e)
            {
                Error(e.Field, e.Message);
                return Refuse();
            }
        }

        // The subscriber's own choices win unless the admin said otherwise; the preview names each one kept.
        var kept = new List<ImportFieldChange>();
        if (!overwriteSelfChosen)
        {
            var chosen = current.ChosenFields;
            if (frequency is { } f && chosen.Contains(SubscriberFields.Frequency) && f != current.Frequency)
            {
                kept.Add(new ImportFieldChange(SubscriberFields.Frequency, Lower(current.Frequency), Lower(f)));
                frequency = null;
            }
            topics = Keep(SubscriberFields.Topics, topics, current.TopicList, t => string.Join(";", t), (a, b) => a.SequenceEqual(b));
            language = Keep(SubscriberFields.Language, language, current.Language, l => l);
            timeZone = Keep(SubscriberFields.TimeZone, timeZone, current.TimeZone, z => z);
            if (deliveryHour is { } wanted && chosen.Contains(SubscriberFields.DeliveryHour) && wanted != current.DeliveryHour)
            {
                kept.Add(new ImportFieldChange(SubscriberFields.DeliveryHour, ImportFieldChanges.Hour(current.DeliveryHour), ImportFieldChanges.Hour(wanted)));
                deliveryHour = null;
            }

            T? Keep<T>(string field, T? value, T stored, Func<T, string> show, Func<T, T, bool>? same = null) where T : class
            {
                if (value is null || !chosen.Contains(field)) return value;
                if (same?.Invoke(value, stored) ?? EqualityComparer<T>.Default.Equals(value, stored)) return value;
                kept.Add(new ImportFieldChange(field, show(stored), show(value)));
                return default;
            }
        }

        // An empty cell keeps the hour (deliveryHour is null): a row cannot reset it to the default.
        var after = current.With(name, organization, country, language, frequency, topics, timeZone, status,
            deliveryHour is { } hour ? new FieldChange<int?>(hour) : null);
        if (members.Find(after.Member) is null && members.Match(after.Organization) is { } member)
            after = after with { Member = member.EffectiveKey };
        if (Same(current, after))
            return (new ImportPreviewRow(row.Line, shown, ImportRowOutcome.Unchanged, [], kept, []), null, false);
        after = after with { UpdatedAt = now };
        existing[id!] = after;
        return (new ImportPreviewRow(row.Line, shown, ImportRowOutcome.Changed, ImportFieldChanges.Of(current, after), kept, []), after,
            status is not null);

        string? Required(string field)
        {
            Error(field, $"{field} is empty: a new subscriber needs a {field}.");
            return null;
        }
    }

    /// <summary>The rule, with the error naming the column (delivery_hour) rather than the API field (deliveryHour).</summary>
    private static int? DeliveryHour(string value)
    {
        try
        {
            return SubscriberRules.DeliveryHour(value);
        }
        catch (InvalidSubscriberException e)
        {
            throw new InvalidSubscriberException("delivery_hour", e.Message.Replace("deliveryHour", "delivery_hour", StringComparison.Ordinal));
        }
    }

    private static bool Same(Subscriber a, Subscriber b)
        => a.Name == b.Name && a.Organization == b.Organization && a.Country == b.Country && a.Language == b.Language
           && a.Frequency == b.Frequency && a.TopicList.SequenceEqual(b.TopicList) && a.TimeZone == b.TimeZone && a.Status == b.Status
           && a.DeliveryHour == b.DeliveryHour && a.Member == b.Member;

    private static Dictionary<string, string> Counts(ImportReport report, int written) => new()
    {
        ["rows"] = report.Rows.ToString(CultureInfo.InvariantCulture),
        ["created"] = report.Created.ToString(CultureInfo.InvariantCulture),
        ["updated"] = report.Updated.ToString(CultureInfo.InvariantCulture),
        ["unchanged"] = report.Unchanged.ToString(CultureInfo.InvariantCulture),
        ["skipped"] = report.Skipped.ToString(CultureInfo.InvariantCulture),
        ["written"] = written.ToString(CultureInfo.InvariantCulture),
    };

    private static ImportReport Refused(int rows, int row, string message, bool dryRun)
        => new(rows, 0, 0, 0, [new ImportError(row, null, "file", message)], dryRun);

    /// <summary>The whole file, or null when it is larger than <see cref="MaxFileBytes"/>.</summary>
    private static async Task<byte[]?> ReadAllAsync(Stream csv, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await csv.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static bool IsBlank(CsvReader reader)
    {
        for (var i = 0; i < reader.FieldCount; i++)
            if (!string.IsNullOrWhiteSpace(reader.GetString(i)))
                return false;
        return true;
    }

    private static bool IsUtf16(byte[] bytes) => bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..];

    /// <summary>
    /// The separator the header uses: comma, or the semicolon or tab that spreadsheets in some locales save with. Decided on the
    /// header line alone, so a ';' between topics in a data row never changes it.
    /// </summary>
    private static char SeparatorOf(byte[] bytes)
    {
        int commas = 0, semicolons = 0, tabs = 0;
        foreach (var b in bytes)
        {
            if (b is (byte)'\n' or (byte)'\r') break;
            if (b == ',') commas++;
            else if (b == ';') semicolons++;
            else if (b == '\t') tabs++;
        }
        return semicolons > commas && semicolons >= tabs ? ';' : tabs > commas && tabs > semicolons ? '\t' : ',';
    }

    private static string ColumnOf(string header)
    {
        var name = header.Trim().TrimStart('\uFEFF').Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
        return Aliases.GetValueOrDefault(name, name);
    }

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
