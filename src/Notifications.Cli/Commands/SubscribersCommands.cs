using System.CommandLine;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Mail;
using Notifications.Web;

namespace Notifications.Cli.Commands;

/// <summary>
/// <c>notify subscribers</c>: add, list, show, update, remove, suspend, activate, import, export, coverage and migrate-ids.
/// A subscriber is named by address or by id (the 32 hex characters of a keyed hash of the address, <see cref="SubscriberIds"/>).
/// Changes are audited as "cli:" + the user name.
/// </summary>
public static partial class SubscribersCommands
{
    private static string Actor => "cli:" + Environment.UserName;

    public static Command Create(CliContext cli)
    {
        var subscribers = new Command("subscribers", "Manage subscribers: the officials of member administrations who receive digests.");
        subscribers.Subcommands.Add(Add(cli));
        subscribers.Subcommands.Add(SearchList(cli));
        subscribers.Subcommands.Add(Show(cli));
        subscribers.Subcommands.Add(Update(cli));
        subscribers.Subcommands.Add(Remove(cli));
        subscribers.Subcommands.Add(SetStatus(
            cli,
            "suspend",
            "Stop sending to a subscriber (an admin's decision; activate undoes it).",
            SubscriberStatus.Suspended));
        subscribers.Subcommands.Add(SetStatus(
            cli,
            "activate",
            "Send to a subscriber again (or for the first time, without waiting for confirmation).",
            SubscriberStatus.Active));
        subscribers.Subcommands.Add(Import(cli));
        subscribers.Subcommands.Add(Export(cli));
        subscribers.Subcommands.Add(Coverage(cli));
        subscribers.Subcommands.Add(Link(cli));
        subscribers.Subcommands.Add(MigrateIds(cli));
        AddProfileCommands(subscribers, cli);
        subscribers.Subcommands.Add(Reindex(cli));
        subscribers.Subcommands.Add(PendingSubscriptionCommands.SendConfirmations(cli));
        subscribers.Subcommands.Add(PendingSubscriptionCommands.PurgePending(cli));
        return subscribers;
    }

    private static Command Add(CliContext cli)
    {
        var email = new Option<string>("--email") { Description = "The subscriber's address.", Required = true };
        var name = new Option<string>("--name") { Description = "Full name.", Required = true };
        var organization = new Option<string>("--organization")
        {
            Description = "The member administration, e.g. 'Customs Committee of Uzbekistan'.", Required = true
        };
        var language = new Option<string>("--language") { Description = "en, ru or fr.", DefaultValueFactory = _ => "en" };
        var frequency = new Option<string>("--frequency") { Description = "instant, daily or weekly.", DefaultValueFactory = _ => "daily" };
        var country = new Option<string?>("--country") { Description = "ISO 3166-1 alpha-2 code of the administration's country, e.g. UZ." };
        var topics = new Option<string?>("--topics") { Description = "Topics, comma separated, e.g. 'e-commerce,data model'; all topics when not given." };
        var timeZone = new Option<string?>("--time-zone") { Description = "IANA time zone, e.g. Asia/Tashkent; UTC when not given." };
        var deliveryHour = new Option<string?>("--delivery-hour")
        {
            Description = "The local hour (0-23, in their time zone) digests go out; the default (Schedule:DeliveryHour) when not given."
        };
        var overrideSuppression = OverrideSuppressionOption();
        var add = new Command("add", "Add an active subscriber.")
        {
            email, name, organization, language, frequency, country, topics, timeZone, deliveryHour, overrideSuppression
        };
        add.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var added = await services.GetRequiredService<SubscriberAdmin>().CreateAsync(new NewSubscriber(
                parse.GetValue(email)!, parse.GetValue(name)!, parse.GetValue(organization)!,
                parse.GetValue(language)!, SubscriberRules.Frequency(parse.GetValue(frequency)), SubscriberStatus.Active,
                parse.GetValue(country), Split(parse.GetValue(topics)), parse.GetValue(timeZone),
                SubscriberRules.DeliveryHour(parse.GetValue(deliveryHour))), Actor, ct, parse.GetValue(overrideSuppression));
            await cli.Out.WriteLineAsync($"Added {added.Email} ({added.Organization}), {Lower(added.Frequency)}, {added.Language}, id {added.Id}.");
            return 0;
        }));
        return add;
    }

    private static Command Show(CliContext cli)
    {
        var who = SubscriberArgument();
        var show = new Command("show", "Show a subscriber and the history of changes to them.") { who, CliContext.JsonOption };
        show.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var s = await FindAsync(services, parse.GetValue(who)!, ct);
            var history = await services.GetRequiredService<SubscriberAudit>().ListAsync(s.Id, ct);
            if (parse.GetValue(CliContext.JsonOption))
            {
                await cli.WriteJsonAsync(SubscriberHistoryJson.From(s, history), SubscriberApiJson.Default.SubscriberHistoryJson);
                return 0;
            }
            foreach (var (label, value) in new (string, string?)[]
            {
                ("id", s.Id), ("email", s.Email), ("name", s.Name), ("organization", s.Organization), ("country", s.Country),
                ("language", s.Language), ("frequency", Lower(s.Frequency)), ("topics", s.TopicList.Count > 0 ? string.Join(", ", s.TopicList) : "all"),
                ("time zone", s.TimeZone), ("delivery at", DeliveryHour(s, services)), ("status", Lower(s.Status)),
                ("created", Time(s.CreatedAt)), ("updated", Time(s.UpdatedAt)),
                ("consent", s.Consent is { } c
                    ? $"{c.Source}, given {Time(c.GivenAt)}" + (c.ConfirmedAt is { } at ? $", confirmed {Time(at)}" : ", not confirmed")
                    : null),
            })
                if (!string.IsNullOrEmpty(value))
                    await cli.Out.WriteLineAsync($"{label + ":",-14}{value}");
            await cli.Out.WriteLineAsync(history.Count == 0 ? "history:      none" : "history:");
            foreach (var h in history)
                await cli.Out.WriteLineAsync($"  {Time(h.At)}  {h.Actor}  {h.Action}" +
                    (h.Changes.Count > 0
                        ? "  " + string.Join(", ", h.Changes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}"))
                        : ""));
            return 0;
        }));
        return show;
    }

    private static Command Update(CliContext cli)
    {
        var who = SubscriberArgument();
        var name = new Option<string?>("--name") { Description = "Full name." };
        var organization = new Option<string?>("--organization") { Description = "The member administration." };
        var country = new Option<string?>("--country") { Description = "ISO 3166-1 alpha-2 code, e.g. UZ." };
        var language = new Option<string?>("--language") { Description = "en, ru or fr." };
        var frequency = new Option<string?>("--frequency") { Description = "instant, daily or weekly." };
        var topics = new Option<string?>("--topics") { Description = "Topics, comma separated; \"\" for all topics." };
        var timeZone = new Option<string?>("--time-zone") { Description = "IANA time zone, e.g. Asia/Tashkent." };
        var deliveryHour = new Option<string?>("--delivery-hour")
        {
            Description = "The local hour (0-23, in their time zone) digests go out; \"\" for the default (Schedule:DeliveryHour)."
        };
        var update = new Command("update", "Change a subscriber's details; only the options given change.")
        {
            who, name, organization, country, language, frequency, topics, timeZone, deliveryHour
        };
        update.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var patch = new SubscriberPatch(parse.GetValue(name), parse.GetValue(organization), parse.GetValue(country), parse.GetValue(language),
                parse.GetValue(frequency), parse.GetValue(topics) is { } t ? Split(t) : null, parse.GetValue(timeZone),
                DeliveryHour: parse.GetValue(deliveryHour));
            if (patch == new SubscriberPatch())
                throw new ArgumentException("nothing to update: give at least one of --name, --organization, --country, --language, --frequency, " +
                    "--topics, --time-zone, --delivery-hour.");
            var idOrEmail = parse.GetValue(who)!;
            var before = await FindAsync(services, idOrEmail, ct);
            var after = await services.GetRequiredService<SubscriberAdmin>().UpdateAsync(before.Id, patch, Actor, ct) ?? throw Unknown(idOrEmail);
            var changes = SubscriberAudit.Diff(before, after);
            await cli.Out.WriteLineAsync(changes.Count == 0
                ? $"No change to {after.Email} (id {after.Id})."
                : $"Updated {after.Email} (id {after.Id}): " + string.Join(", ", changes.Select(c => $"{c.Key} {c.Value}")) + ".");
            return 0;
        }));
        return update;
    }

    private static Command Remove(CliContext cli)
    {
        var who = SubscriberArgument();
        var remove = new Command(
            "remove",
            "Erase a subscriber (GDPR erasure): the address and the name go everywhere (record, unsent batches, webhook events, error texts, audit " +
                "details); a suppression entry (keyed hash, reason, date) stays. Asks for the subscriber's address, typed, unless --yes.")
        {
            who, YesOption
        };
        remove.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var idOrEmail = parse.GetValue(who)!;
            Check(idOrEmail);
            if (!parse.GetValue(YesOption) && !await ConfirmErasureAsync(cli, services, idOrEmail.Trim(), ct))
                return 1;
            var report = await services.GetRequiredService<SubscriberAdmin>().EraseAsync(idOrEmail.Trim(), Actor, ct) ?? throw Unknown(idOrEmail);
            await cli.Out.WriteLineAsync(report.AlreadyErased
                ? $"Subscriber {report.Id} was erased already; looked again for copies of their address and name."
                : report.Reason is null
                    ? $"Erased {report.Id}: there was no subscriber record, only what the subscribe form held (never confirmed)."
                    : $"Erased subscriber {report.Id}: the record, with the address and the name, is gone.");
            await cli.Out.WriteLineAsync("Removed: " + string.Join(", ", report.Steps.Select(s => $"{s.Store} {s.Removed}")) + ".");
            await cli.Out.WriteLineAsync(report.Reason is null
                ? "Kept: no suppression entry (they never confirmed a subscription, so an add or import later is not refused); the audit history " +
                    "without personal details."
                : $"Kept: a suppression entry (keyed hash of the address, reason '{report.Reason}', date), so that an add or import does not " +
                    $"re-subscribe them without --override-suppression; the audit history without personal details.");
            foreach (var left in report.Left)
                await cli.Error.WriteLineAsync("warning: not yet removed: " + left + ".");
            return 0;
        }));
        return remove;
    }

    private static Command SetStatus(CliContext cli, string verb, string description, SubscriberStatus status)
    {
        var who = SubscriberArgument();
        var command = new Command(verb, description) { who };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var idOrEmail = parse.GetValue(who)!;
            var admin = services.GetRequiredService<SubscriberAdmin>();
            var before = await FindAsync(services, idOrEmail, ct);
            var after = (status == SubscriberStatus.Suspended
                    ? await admin.SuspendAsync(before.Id, Actor, ct)
                    : await admin.ActivateAsync(before.Id, Actor, ct))
                ?? throw Unknown(idOrEmail);
            await cli.Out.WriteLineAsync(before.Status == after.Status
                ? $"{after.Email} (id {after.Id}) is already {Lower(after.Status)}."
                : $"{after.Email} (id {after.Id}) is now {Lower(after.Status)} (was {Lower(before.Status)}).");
            return 0;
        }));
        return command;
    }

    private static Command Export(CliContext cli)
    {
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write to this file (UTF-8 with BOM, for Excel); standard output when not given." };
        var filters = new Filters();
        var export = new Command(
            "export",
            "Write subscribers as CSV, in the columns import reads plus id, created_at, updated_at, consent_source and confirmed_at (delivery_hour last).")
        {
            output
        };
        filters.AddTo(export);
        export.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var csv = services.GetRequiredService<SubscriberCsv>();
            var filter = filters.Parse(parse, services);
            if (parse.GetValue(output) is { } file)
            {
                int count;
                await using (var stream = file.Create())
                    count = await csv.ExportAsync(stream, filter, ct);
                await cli.Out.WriteLineAsync($"Exported {count} subscribers to {file.FullName}.");
                return 0;
            }
            using var buffer = new MemoryStream();
            await csv.ExportAsync(buffer, filter, ct);
            buffer.Position = 0;
            // The byte order mark is for spreadsheets opening a file; a terminal or a pipe gets the text alone.
            using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            await cli.Out.WriteAsync(await reader.ReadToEndAsync(ct));
            return 0;
        }));
        return export;
    }

    private static Command MigrateIds(CliContext cli)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Count who would move; write nothing." };
        var migrate = new Command(
            "migrate-ids",
            "Move every subscriber from the old unsalted-hash id to the keyed id (Subscribers:IdKey): record, audit history, watermark. " +
                "Idempotent: run it again to finish an interrupted run. Run it between digest runs.")
        {
            dryRun, CliContext.JsonOption
        };
        migrate.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var report = await services.GetRequiredService<SubscriberIdMigration>().MigrateAsync(parse.GetValue(dryRun), ct);
            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(report);
            else
                await cli.Out.WriteLineAsync((report.DryRun ? "Dry run: " : "") +
                    $"{report.Subscribers} subscribers; {report.Moved} {(report.DryRun ? "to move" : "moved")} to keyed ids, {report.AlreadyKeyed} " +
                        $"already keyed" +
                    (report.Unknown > 0 ? $", {report.Unknown} with an id that is neither (keyed with another Subscribers:IdKey?), left alone." : "."));
            return report.Unknown == 0 ? 0 : 1;
        }));
        return migrate;
    }

    private static Option<string?> OverrideSuppressionOption() => new("--override-suppression")
    {
        Description = "Add an address that was erased and is suppressed (unsubscribed, complained, bounced, erased on request) anyway; give the " +
            "reason, which is audited.",
    };

    /// <summary>The list filters, shared by list and export.</summary>
    private sealed class Filters
    {
        private readonly Option<string?> _status = new("--status")
        {
            Description = "Only this status: " + string.Join(", ", Enum.GetNames<SubscriberStatus>().Select(n => n.ToLowerInvariant())) + "."
        };
        private readonly Option<string?> _frequency = new("--frequency") { Description = "Only this frequency: instant, daily or weekly." };
        private readonly Option<string?> _language = new("--language") { Description = "Only this language: en, ru or fr." };
        private readonly Option<string?> _country = new("--country") { Description = "Only this country (ISO 3166-1 alpha-2, e.g. UZ)." };
        private readonly Option<string?> _organization = new("--organization") { Description = "Only this organization (exactly as recorded)." };
        private readonly Option<string?> _topic = new("--topic")
        {
            Description = "Only subscribers who get this topic (those who chose it or chose all topics)."
        };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _status, _frequency, _language, _country, _organization, _topic })
                command.Options.Add(option);
        }

        /// <summary>The filter; a value that is not valid is an error naming the option's field.</summary>
        public SubscriberFilter Parse(ParseResult parse, IServiceProvider services) => new(
            parse.GetValue(_status) is { } status ? SubscriberRules.Status(status) : null,
            parse.GetValue(_frequency) is { } frequency ? SubscriberRules.Frequency(frequency) : null,
            parse.GetValue(_language) is { } language ? SubscriberRules.Language(language) : null,
            parse.GetValue(_organization) is { Length: > 0 } organization ? organization.Trim() : null,
            parse.GetValue(_country) is { Length: > 0 } country ? SubscriberRules.Country(country) : null,
            parse.GetValue(_topic) is { Length: > 0 } topic ? services.GetRequiredService<SubscriberRules>().Topics([topic]).Single() : null);
    }

    private static Argument<string> SubscriberArgument() => new("subscriber") { Description = "The subscriber's address, or their id (32 hex characters)." };

    private static async Task<Subscriber> FindAsync(IServiceProvider services, string idOrEmail, CancellationToken ct)
    {
        Check(idOrEmail);
        return await services.GetRequiredService<SubscriberAdmin>().FindAsync(idOrEmail.Trim(), ct) ?? throw Unknown(idOrEmail);
    }

    /// <summary>An address or an id; what is neither is an error.</summary>
    private static void Check(string idOrEmail)
    {
        var value = idOrEmail.Trim();
        if (SubscriberIds.IsId(value)) return;
        if (!value.Contains('@'))
            throw new ArgumentException($"'{value}' is neither an address nor a subscriber id (32 hex characters); `notify subscribers list` shows both.");
        EmailAddress.Normalize(value);
    }

    private static ArgumentException Unknown(string idOrEmail)
    {
        var value = idOrEmail.Trim();
        // The admin's own terminal: the address in full (masking belongs in logs).
        return new ArgumentException($"no subscriber {value}; `notify subscribers list` shows who there is.");
    }

    /// <summary>"09:00", or "default (08:00)" with the configured Schedule:DeliveryHour.</summary>
    private static string DeliveryHour(Subscriber s, IServiceProvider services)
        => s.DeliveryHour is { } hour ? Clock(hour) : $"default ({Clock(services.GetRequiredService<IOptions<ScheduleOptions>>().Value.DeliveryHour)})";

    private static string Clock(int hour) => hour.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + ":00";

    private static IReadOnlyList<string>? Split(string? commaSeparated)
        => commaSeparated is null ? null : commaSeparated.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
