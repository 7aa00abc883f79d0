using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Subscribers;

namespace Notifications.Cli.Commands;

/// <summary><c>notify subscribers import</c> (with its per-row preview), <c>coverage</c> and <c>link</c>: the console's import and members pages.</summary>
public static partial class SubscribersCommands
{
    private static Command Import(CliContext cli)
    {
        var file = new Argument<FileInfo>("file")
        {
            Description = "A CSV file (UTF-8, header row): email, name, organization, country, language, frequency, topics (';' separated), " +
                "time_zone, status, delivery_hour."
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Show what each row would do (new, changed old → new, unchanged, refused); write nothing."
        };
        var overwrite = new Option<bool>("--overwrite-self-chosen")
        {
            Description = "Let the file replace preferences subscribers chose themselves (frequency, topics, language, time zone, delivery hour); " +
                "without it their choice is kept and the row says so."
        };
        var overrideSuppression = OverrideSuppressionOption();
        var import = new Command("import", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Add or update subscribers from a CSV " +
            $"file (at most {SubscriberCsv.MaxRows:N0} rows); rows with errors are skipped and reported. Exit code 1 when any row has an error. " +
            $"--json prints every row's preview."))
        {
            file, dryRun, overwrite, overrideSuppression, CliContext.JsonOption,
        };
        import.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) throw new FileNotFoundException(null, path.FullName);
            ImportReport report;
            await using (var stream = path.OpenRead())
                report = await services.GetRequiredService<SubscriberCsv>().ImportAsync(
                    stream, parse.GetValue(dryRun), Actor, ct, parse.GetValue(overrideSuppression), parse.GetValue(overwrite));
            if (parse.GetValue(CliContext.JsonOption))
            {
                await cli.WriteJsonAsync(report);
                return report.Errors.Count == 0 ? 0 : 1;
            }
            if (report.Errors.Any(e => e.Field == "file" || e.Row <= 1))
                await cli.Out.WriteLineAsync($"Nothing imported from {path.Name}: the file was refused.");
            else
            {
                await cli.Out.WriteLineAsync(report.DryRun
                    ? $"Dry run of {path.Name}: {report.Rows} rows; {report.Created} to create, {report.Updated} to update, {report.Unchanged} " +
                        $"unchanged, {report.Skipped} with errors. Nothing was written."
                    : $"Imported {path.Name}: {report.Rows} rows; {report.Created} created, {report.Updated} updated, {report.Unchanged} " +
                        $"unchanged, {report.Skipped} skipped for errors.");
                foreach (var row in report.PreviewRows.Where(r => r.Outcome is ImportRowOutcome.Changed || r.KeptSelfChosen.Count > 0))
                    await cli.Out.WriteLineAsync($"row {row.Row} ({row.Email}): {row.Outcome.ToString().ToLowerInvariant()}" +
                        string.Concat(row.Changes.Select(c => $"; {c.Field}: {Shown(c.Old)} → {Shown(c.New)}")) +
                        string.Concat(row.KeptSelfChosen.Select(c => $"; {c.Field}: their own choice {Shown(c.Old)} kept (file: {Shown(c.New)})")));
                if (report.PreviewRows.Any(r => r.KeptSelfChosen.Count > 0))
                    await cli.Out.WriteLineAsync("Preferences subscribers chose themselves were kept; --overwrite-self-chosen replaces them.");
            }
            foreach (var e in report.Errors)
                await cli.Error.WriteLineAsync(e.Row <= 1 && e.Email is null
                    ? $"error: {path.Name}{(e.Row == 1 ? " (header)" : "")}: {e.Message}"
                    : $"error: row {e.Row}{(e.Email is { } m ? $" ({m})" : "")}, {e.Field}: {e.Message}");
            return report.Errors.Count == 0 ? 0 : 1;
        }));
        return import;

        static string Shown(string value) => value.Length > 0 ? value : "(empty)";
    }

    private static Command Coverage(CliContext cli)
    {
        var coverage = new Command(
            "coverage",
            "How many officials of each member administration subscribe (Members:Administrations, those with none included): active, pending, " +
                "bounced or complained, other; which have no active contact, which only bounced or complained ones; then organizations no " +
                "administration's name or alias matches.")
        {
            CliContext.JsonOption
        };
        coverage.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var rows = await services.GetRequiredService<CoverageReport>().BuildAsync(ct);
            if (parse.GetValue(CliContext.JsonOption))
            {
                await cli.WriteJsonAsync(rows);
                return 0;
            }
            await cli.Out.WriteLineAsync($"{"country",-8}{"active",7}{"pending",8}{"bounced",8}{"other",6}  {"coverage",-13}{"key",-12}organization");
            foreach (var r in rows)
                await cli.Out.WriteLineAsync(
                    $"{(r.Country.Length > 0 ? r.Country : "--"),-8}{r.Active,7}{r.Pending,8}{r.Bounced,8}{r.Other,6}  " +
                    $"{(r.OnlyBouncedContacts ? "only-bounced" : r.NoActiveContact ? "no-active" : "ok"),-13}" +
                    $"{(r.Key.Length > 0 ? r.Key : "*"),-12}{r.Organization}");
            var withoutActive = rows.Count(r => r.Configured && r.NoActiveContact);
            var onlyBounced = rows.Count(r => r.Configured && r.OnlyBouncedContacts);
            var members = rows.Count(r => r.Configured);
            await cli.Out.WriteLineAsync($"{members} member administrations configured, {withoutActive} of them without an active subscriber.");
            if (onlyBounced > 0)
                await cli.Out.WriteLineAsync($"{onlyBounced} of them have only bounced or complained subscribers: their addresses need replacing.");
            if (rows.Any(r => !r.Configured))
                await cli.Out.WriteLineAsync("* no configured name or alias (Members:Administrations) matches: a new member, a spelling to add as an alias, " +
                    "or a subscriber to link with `notify subscribers link <email> --member <key>`?");
            return 0;
        }));
        return coverage;
    }

    private static Command Link(CliContext cli)
    {
        var email = new Argument<string?>("email") { Description = "The subscriber's address (not with --matching).", Arity = ArgumentArity.ZeroOrOne };
        var member = new Option<string?>("--member") { Description = "The administration's key (Members:Administrations:N:Key); empty unlinks." };
        var matching = new Option<bool>("--matching")
        {
            Description = "Link every subscriber who is not linked yet and whose organization is an administration's name or alias."
        };
        var link = new Command("link",
            "Link a subscriber to a member administration (or unlink with --member \"\"), or link all by organization with --matching.")
        {
            email, member, matching,
        };
        link.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var links = services.GetRequiredService<MemberLinks>();
            if (parse.GetValue(matching))
            {
                var result = await links.LinkMatchingAsync(Actor, ct);
                await cli.Out.WriteLineAsync($"Linked {result.Linked} of {result.Examined} subscribers to the administration their organization names.");
                return 0;
            }
            if (parse.GetValue(email) is not { Length: > 0 } address || parse.GetResult(member) is null)
                throw new InvalidSubscriberException("member", "give the subscriber's address and --member <key> (or --member \"\" to unlink), " +
                    "or --matching to link everyone whose organization names an administration.");
            var key = parse.GetValue(member) ?? "";
            var linked = await links.LinkAsync(address, key, Actor, ct)
                ?? throw new InvalidSubscriberException("email", $"no subscriber has the address {address.Trim()}.");
            var administration = services.GetRequiredService<MemberDirectory>().Find(linked.Member);
            await cli.Out.WriteLineAsync(administration is null
                ? $"{linked.Email} is no longer linked to a member administration."
                : $"{linked.Email} is now linked to {administration.EnglishName} ({administration.EffectiveKey}).");
            return 0;
        }));
        return link;
    }
}
